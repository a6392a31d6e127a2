from django.urls import path

from . import draft_views, editor_views, import_views, views

app_name = "questions"
urlpatterns = [
    path("", views.question_list, name="list"),
    path("<id:pk>/", views.question_detail, name="detail"),
    # Learners: reports and notices.
    path("<id:pk>/report/", editor_views.report_problem, name="report"),
    path("<id:pk>/history/", editor_views.history, name="history"),
    path("reports/", editor_views.my_reports, name="my-reports"),
    path(
        "notifications/<id:pk>/dismiss/",
        editor_views.dismiss_notification,
        name="dismiss-notification",
    ),
    # Editors and reviewers.
    path("editor/", editor_views.flag_queue, name="editor-queue"),
    path("editor/flags/<id:pk>/decline/", editor_views.decline_flag, name="flag-decline"),
    path(
        "editor/flags/<id:pk>/needs-revision/",
        editor_views.mark_needs_revision,
        name="flag-needs-revision",
    ),
    path("editor/questions/<id:pk>/draft/", draft_views.start_draft, name="start-draft"),
    path("editor/questions/<id:pk>/merge/", editor_views.merge, name="merge"),
    path("editor/questions/<id:pk>/rollback/", editor_views.rollback, name="rollback"),
    path("editor/drafts/", editor_views.draft_list, name="drafts"),
    path("editor/drafts/<id:pk>/", draft_views.draft_detail, name="draft"),
    path("editor/drafts/<id:pk>/preview/", draft_views.draft_preview, name="draft-preview"),
    path("editor/drafts/<id:pk>/submit/", draft_views.draft_submit, name="draft-submit"),
    path("editor/drafts/<id:pk>/approve/", draft_views.draft_approve, name="draft-approve"),
    path("editor/drafts/<id:pk>/withdraw/", draft_views.draft_withdraw, name="draft-withdraw"),
    path("editor/drafts/<id:pk>/reassign/", draft_views.draft_reassign, name="draft-reassign"),
    path(
        "editor/drafts/<id:pk>/request-changes/",
        draft_views.draft_request_changes,
        name="draft-request-changes",
    ),
    path("editor/duplicates/", editor_views.candidates, name="editor-candidates"),
    path("editor/duplicates/<id:pk>/", editor_views.decide_candidate, name="candidate-decide"),
    path("editor/series/<id:pk>/", editor_views.series_page, name="editor-series"),
    path("editor/series/<id:pk>/edit/", editor_views.series_edit, name="editor-series-edit"),
    path("editor/freshness/", editor_views.freshness, name="editor-freshness"),
    path("editor/audit/", editor_views.audit_log, name="editor-audit"),
    path("editor/imports/", import_views.import_list, name="imports"),
    path("editor/imports/<id:pk>/", import_views.import_detail, name="import"),
    path("editor/imports/<id:pk>/confirm/", import_views.import_confirm, name="import-confirm"),
    path("editor/imports/<id:pk>/publish/", import_views.import_publish, name="import-publish"),
    path(
        "editor/imports/<id:pk>/fetch-images/",
        import_views.import_fetch_images,
        name="import-fetch-images",
    ),
    path("editor/new/", import_views.question_new, name="question-new"),
    path("editor/new/preview/", import_views.question_new_preview, name="question-new-preview"),
    path(
        "editor/new/duplicates/",
        import_views.question_new_duplicates,
        name="question-new-duplicates",
    ),
    path("editor/grades/", editor_views.grade_disputes, name="editor-disputes"),
]

"""Signals ``questions`` sends so that the apps above it can react without the bank importing
them (the stack is interviewprep -> questions -> quizzes -> interviews). Receivers connect in
their app's ``AppConfig.ready()``; every signal's sender is the model class named."""

from django.dispatch import Signal

#: Asks who studies ``question`` (sender: Question), to tell them when its answer changes:
#: each receiver returns a QuerySet of users.
question_learners = Signal()

#: Sent inside the transaction that merges ``duplicate`` into ``kept`` (sender: Question),
#: after the bank's own rows moved: receivers move what they keep per question.
questions_merged = Signal()

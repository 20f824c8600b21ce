"""What the deadlines' periodic work announces, for the apps above that follow deadlines.

Sent inside the transaction that records the change: ``deadlines_mark_missed`` for each
deadline it marks missed, ``deadline_reminders_send`` with each reminder it records (5 and 1
working days before). A listener that acts outside the database waits for the commit
(``transaction.on_commit``). ``deadlines`` imports none of its listeners.
"""

from django.dispatch import Signal

# An open deadline's day passed: ``deadline=`` the deadline, now missed.
deadline_missed = Signal()
# A deadline falls due in ``days=`` working days (the reminder's step): ``deadline=`` the deadline.
deadline_approaching = Signal()

"""Mentoring (pendampingan bisnis, issue 20): the office's roster of mentors, the slots they publish,
the sessions a sentra's manager books, and the notes and action items that follow a session.

A mentor is a :class:`~orders.mentoring.models.Mentor` row linked to a user account: holding an active
one is the ``mentor`` role (the office invites by email; the invitee accepts while signed in).
"""

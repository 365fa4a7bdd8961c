"""Openings ("Lowongan") at a sentra and the residents' applications to join ("Gabung sentra") (issue 20).

A sentra's managers post an opening; a signed-in resident applies once per opening; the managers
shortlist, invite to a trial day, accept or reject. Accepting makes the applicant a member through
:mod:`shop.sentras.members` without the invitation step. The office reads the figures in
:mod:`orders.impact.jobs` and the waiting times in :mod:`orders.openings.office`.
"""

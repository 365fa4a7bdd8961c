"""Sentras: applications, approval, memberships, invitations and profiles."""

"""Matchmaking and the meeting scheduler of company delegation trips (no HTTP).

``solver`` is plain data and CP-SAT (no Django); ``trips`` loads and stores a trip's
schedule.
"""

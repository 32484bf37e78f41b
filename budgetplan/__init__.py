"""Budgetplan: the project (settings, root URLs) and its layers, each importing only those below.

kernel → cases (with the domain apps goals, finance, reservations) → access → document → web.
docs/architecture.md says what each layer holds and where a new feature goes.
"""

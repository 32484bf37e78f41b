"""The kernel every app builds on: record history and versions, the write services and the guard
interface they call, formatting, text markup, uploaded files, the admin base and resource widgets.

It imports no app of this project; a higher layer plugs into it (budgetplan.kernel.guards).
"""

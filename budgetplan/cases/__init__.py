"""The case's own records: boards, the case (KS-ärende) and its header, registry numbers, decision
points, statement, attachments and officials' report. A domain app like goals, finance and
reservations; its app label stays "budgetplan"."""

"""Who may read and write which case: which case a record belongs to (ownership) and the roles'
rules (permissions). Above the domain apps, below the document and the entry points."""

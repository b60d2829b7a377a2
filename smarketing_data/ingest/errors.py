"""The import's errors, apart from the pipeline so that catching them (the command line does
for every command) does not load the readers and their dataframe libraries."""


class IngestError(ValueError):
    """A fatal input error: nothing was written; str(exc) is a paragraph for the user."""


class UndoError(ValueError):
    """The upload cannot be undone; str(exc) says why and what to do."""

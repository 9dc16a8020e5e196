"""ToonDB Python SDK (binwheel's example project)."""

__version__ = "0.3.2"


class Database:
    """A stand-in for the SDK's database handle."""

    def __init__(self, path):
        self.path = path

    @classmethod
    def open(cls, path):
        return cls(path)

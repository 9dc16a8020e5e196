from toondb import Database


def test_open_memory():
    assert Database.open(":memory:").path == ":memory:"

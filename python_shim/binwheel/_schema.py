"""[tool.binwheel]'s JSON Schema, for validate-pyproject (its ``validate_pyproject.tool_schema`` plugin).

binwheel's build generates the schema from the same definitions its own reader checks pyproject.toml
with; it is also SchemaStore's ``partial-binwheel.json``, for editors.
"""

import json
from importlib.resources import files


def tool_schema(tool_name="binwheel"):
    """The JSON Schema of the ``[tool.<tool_name>]`` table (validate-pyproject calls this with "binwheel")."""
    return json.loads(files(__package__).joinpath("tool-binwheel.schema.json").read_text(encoding="utf-8"))

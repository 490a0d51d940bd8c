"""Release names depend on the content shipped, never on where the controller keeps it."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / ".cache" / "collections"))
from ansible_collections.inferops.scoring.plugins.plugin_utils.release_content import release_id  # noqa: E402


def folder(root: Path, files: dict[str, str]) -> str:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return str(root)


def code(source: str) -> list[dict]:
    return [{"name": "code", "src": source, "dest": "app"}]


def test_same_content_in_another_folder_has_the_same_id(tmp_path):
    assert release_id(code(folder(tmp_path / "a", {"score.py": "1"}))) == release_id(
        code(folder(tmp_path / "elsewhere", {"score.py": "1"}))
    )


def test_a_changed_byte_changes_the_id(tmp_path):
    assert release_id(code(folder(tmp_path / "a", {"score.py": "1"}))) != release_id(
        code(folder(tmp_path / "b", {"score.py": "2"}))
    )


def test_a_renamed_file_changes_the_id(tmp_path):
    assert release_id(code(folder(tmp_path / "a", {"score.py": "1"}))) != release_id(
        code(folder(tmp_path / "b", {"main.py": "1"}))
    )


def test_hidden_files_count_and_python_caches_do_not(tmp_path):
    plain = release_id(code(folder(tmp_path / "a", {"score.py": "1"})))
    cached = folder(
        tmp_path / "b", {"score.py": "1", "__pycache__/score.cpython-311.pyc": "x", "old.pyc": "y"}
    )
    assert release_id(code(cached)) == plain
    assert release_id(code(folder(tmp_path / "c", {"score.py": "1", ".env": "secret"}))) != plain


def test_a_model_landing_elsewhere_changes_the_id(tmp_path):
    model = folder(tmp_path / "m", {"weights": "1"})
    first = [{"name": "model", "src": model, "dest": "app/azureml-models/m/1"}]
    second = [{"name": "model", "src": model, "dest": "app/azureml-models/m/2"}]
    assert release_id(first) != release_id(second)


def test_a_single_file_part_is_named_by_its_content_and_name(tmp_path):
    (tmp_path / "score.py").write_text("1")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "score.py").write_text("1")
    assert release_id(code(str(tmp_path / "score.py"))) == release_id(
        code(str(tmp_path / "other" / "score.py"))
    )


def test_extra_strings_are_part_of_the_id(tmp_path):
    source = folder(tmp_path / "a", {"score.py": "1"})
    assert release_id(code(source), ["score.py"]) != release_id(code(source), ["main.py"])

"""Release names depend on content only."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("content_id", ROOT / "plugins/filter/content_id.py")
content_id_module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(content_id_module)
content_id = content_id_module.content_id


def group(root, *files):
    return {
        "root": root,
        "files": [{"path": f"{root}/{name}", "checksum": checksum} for name, checksum in files],
    }


def test_same_content_in_another_folder_has_the_same_id():
    assert content_id([group("/a", ("score.py", "1"))]) == content_id(
        [group("/elsewhere", ("score.py", "1"))]
    )


def test_changed_file_changes_the_id():
    assert content_id([group("/a", ("score.py", "1"))]) != content_id([group("/a", ("score.py", "2"))])


def test_renamed_file_changes_the_id():
    assert content_id([group("/a", ("score.py", "1"))]) != content_id([group("/a", ("main.py", "1"))])


def test_file_order_does_not_matter():
    assert content_id([group("/a", ("x", "1"), ("y", "2"))]) == content_id(
        [group("/a", ("y", "2"), ("x", "1"))]
    )


def test_moving_a_file_between_groups_changes_the_id():
    moved = [group("/a"), group("/m", ("w", "1"))]
    assert content_id([group("/a", ("w", "1")), group("/m")]) != content_id(moved)


def test_extra_strings_are_part_of_the_id():
    assert content_id([], ["model/1"]) != content_id([], ["model/2"])

from tests.conftest import Invoke


def test_rotate_demo_team_on_local_backend(demo, rolebot: Invoke) -> None:
    result = rolebot("--today", "2026-11-30", "rotate", "support-triager")
    assert result.exit_code == 0, result.output
    assert "Chen Wei comes in, Bruno Silva stays on" in result.stderr

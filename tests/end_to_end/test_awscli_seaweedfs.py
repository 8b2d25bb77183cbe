"""The AWS CLI against a real S3 server (SeaweedFS), under libfaketime + libfaketimefs.

`aws s3 mb`, `cp`, `ls` and `sync` both ways: v1 with the plugin, v2 installed
from source with the autopatch variable, v2's frozen binary with the plugin.
Unpatched, SeaweedFS refuses the first command for its time.
"""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from tests.harness import aws_clis
from tests.harness.faketime import DAY, Mount
from tests.harness.seaweedfs import SeaweedFS

pytestmark = [
    pytest.mark.aws_cli,
    pytest.mark.timeout(900),  # the first test may build the AWS CLI v2
]


def _environment(install: str, request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    if install == "v2 source":
        return {"LIBFAKETIMEFS_BOTOCORE_AUTOPATCH": "1"}
    if install == "v2 frozen":
        return {"AWS_CONFIG_FILE": str(request.getfixturevalue("exe_config"))}
    config = aws_clis.plugin_config(
        tmp_path / "config", {"libfaketimefs_botocore": "libfaketimefs_botocore.awscli_plugin"}
    )
    return {"AWS_CONFIG_FILE": str(config)}


def _aws(request: pytest.FixtureRequest, install: str) -> Path:
    fixture = {"v1": "v1", "v2 source": "v2_source", "v2 frozen": "v2_exe"}[install]
    return request.getfixturevalue(fixture)  # type: ignore[no-any-return]


# +400 days for each install; -400 for one (the local endpoint's tests take both
# directions for every install).
@pytest.mark.parametrize(
    ("install", "days"), [("v1", 400), ("v2 source", 400), ("v2 frozen", 400), ("v2 source", -400)]
)
def test_s3_commands(
    request: pytest.FixtureRequest,
    seaweedfs: SeaweedFS,
    faked: Mount,
    bucket: str,
    tmp_path: Path,
    install: str,
    days: int,
) -> None:
    aws = _aws(request, install)
    faked.jump(days * DAY)
    refused = aws_clis.run_aws(aws, ["s3", "mb", f"s3://{bucket}"], faked, seaweedfs)
    assert refused.returncode != 0, refused.said
    assert "RequestTimeTooSkewed" in refused.stderr, refused.said

    env = _environment(install, request, tmp_path)
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "one.txt").write_text("one\n")
    (tree / "sub" / "two.bin").write_bytes(bytes(range(256)) * 4096)
    back = tmp_path / "back"
    runs = [
        ["s3", "mb", f"s3://{bucket}"],
        ["s3", "cp", str(tree / "one.txt"), f"s3://{bucket}/copied.txt"],
        ["s3", "sync", str(tree), f"s3://{bucket}/tree/"],
        ["s3", "ls", "--recursive", f"s3://{bucket}/"],
        ["s3", "sync", f"s3://{bucket}/tree/", str(back)],
    ]
    outcomes = [aws_clis.run_aws(aws, args, faked, seaweedfs, env) for args in runs]
    for outcome in outcomes:
        assert outcome.returncode == 0, outcome.said
    listed = outcomes[3].stdout
    assert "copied.txt" in listed
    assert "tree/sub/two.bin" in listed
    comparison = filecmp.dircmp(tree, back)
    assert comparison.left_list == comparison.right_list == ["one.txt", "sub"]
    assert filecmp.cmp(tree / "sub" / "two.bin", back / "sub" / "two.bin", shallow=False)


@pytest.mark.parametrize(
    ("install", "days"), [("v1", 400), ("v2 source", 400), ("v2 frozen", 400), ("v2 frozen", -400)]
)
def test_s3_commands_over_https(
    request: pytest.FixtureRequest,
    seaweedfs: SeaweedFS,
    faked: Mount,
    bucket: str,
    tmp_path: Path,
    install: str,
    days: int,
) -> None:
    """`--ca-bundle` and a certificate valid from 10 days ago to 30 ahead, 400 days away:
    the handshake fails unpatched, and passes with the library (by the real time)."""
    aws = _aws(request, install)
    faked.jump(days * DAY)
    refused = aws_clis.run_aws(aws, ["s3", "mb", f"s3://{bucket}"], faked, seaweedfs, https=True)
    assert refused.returncode != 0, refused.said
    verdict = "certificate has expired" if days > 0 else "certificate is not yet valid"
    assert verdict in refused.stderr, refused.said
    env = _environment(install, request, tmp_path)
    upload = tmp_path / "up.txt"
    upload.write_text("over HTTPS\n")
    runs = [
        ["s3", "mb", f"s3://{bucket}"],
        ["s3", "cp", str(upload), f"s3://{bucket}/up.txt"],
        ["s3", "ls", f"s3://{bucket}/"],
    ]
    outcomes = [aws_clis.run_aws(aws, a, faked, seaweedfs, env, https=True) for a in runs]
    for outcome in outcomes:
        assert outcome.returncode == 0, outcome.said
    assert "up.txt" in outcomes[2].stdout

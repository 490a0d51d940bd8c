#!/usr/bin/python
"""Which processes listen on a TCP port, read from /proc so it works in minimal containers."""

from __future__ import annotations

DOCUMENTATION = r"""
module: port_owner
short_description: Report the processes listening on a TCP port
description:
  - Reads C(/proc/net/tcp) and C(/proc/net/tcp6) and maps the listening socket to the processes
    holding it, with their parent, so a role can tell its own server from another program.
  - Needs no C(ss), C(netstat) or C(lsof); read-only, so it runs in check mode.
options:
  port:
    description: TCP port to look up.
    type: int
    required: true
author:
  - inferops contributors
"""

EXAMPLES = r"""
- name: Find who listens on 5001
  inferops.scoring.port_owner:
    port: 5001
  register: __owner
"""

RETURN = r"""
listening:
  description: Whether anything listens on the port.
  type: bool
  returned: always
processes:
  description: Processes holding the listening socket.
  type: list
  elements: dict
  returned: always
  contains:
    pid: {description: Process id., type: int}
    command: {description: Command line., type: str}
    supervisor: {description: Name of the runit service whose runsv started it, or empty., type: str}
"""

import os

from ansible.module_utils.basic import AnsibleModule

LISTEN = "0A"


def listening_inodes(port: int) -> set:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as handle:
                rows = handle.readlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == LISTEN:
                inodes.add(fields[9])
    return inodes


def _read(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def _parent(pid: int) -> int:
    stat = _read(f"/proc/{pid}/stat")
    return int(stat.rsplit(")", 1)[1].split()[1]) if stat else 0


def supervisor_of(pid: int) -> str:
    """The runit service a process runs under: the nearest ancestor that is ``runsv NAME``."""
    seen = 0
    while pid > 1 and seen < 16:
        command = _read(f"/proc/{pid}/cmdline")
        if command.startswith("runsv "):
            return command.split()[1]
        pid = _parent(pid)
        seen += 1
    return ""


def _socket_links(fd_dir: str) -> set:
    """Targets of a process's descriptors; one may close while we read, so each is tried alone."""
    try:
        descriptors = os.listdir(fd_dir)
    except OSError:
        return set()
    links = set()
    for descriptor in descriptors:
        try:
            links.add(os.readlink(os.path.join(fd_dir, descriptor)))
        except OSError:
            continue
    return links


def holders(inodes: set) -> list:
    found = []
    targets = {f"socket:[{inode}]" for inode in inodes}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        if _socket_links(f"/proc/{entry}/fd") & targets:
            pid = int(entry)
            found.append(
                {"pid": pid, "command": _read(f"/proc/{pid}/cmdline"), "supervisor": supervisor_of(pid)}
            )
    return sorted(found, key=lambda process: process["pid"])


def main() -> None:
    module = AnsibleModule(
        argument_spec={"port": {"type": "int", "required": True}}, supports_check_mode=True
    )
    port = module.params["port"]
    if not 1 <= port <= 65535:
        module.fail_json(msg=f"port {port} is outside 1-65535")
    inodes = listening_inodes(port)
    module.exit_json(changed=False, listening=bool(inodes), processes=holders(inodes) if inodes else [])


if __name__ == "__main__":
    main()

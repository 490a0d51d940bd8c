#!/usr/bin/python
"""Which processes listen on TCP ports, read from /proc so it works in minimal containers."""

from __future__ import annotations

DOCUMENTATION = r"""
module: port_owner
short_description: Report the processes listening on TCP ports
description:
  - Reads C(/proc/net/tcp) and C(/proc/net/tcp6) and maps each listening socket to the processes
    holding it, with the runit service they run under, so a role can tell its own server from
    another program. Several ports cost one call.
  - Needs no C(ss), C(netstat) or C(lsof); read-only, so it runs in check mode.
options:
  ports:
    description: TCP ports to look up.
    type: list
    elements: int
    required: true
author:
  - inferops contributors
"""

EXAMPLES = r"""
- name: Find who listens on 5001 and 9090
  inferops.scoring.port_owner:
    ports: [5001, 9090]
  register: __owner
"""

RETURN = r"""
owners:
  description:
    - For each port (as a string), the processes holding its listening socket; an empty list when
      nothing listens.
  type: dict
  returned: always
  contains:
    pid:
      description: Process id.
      type: int
    command:
      description: Command line.
      type: str
    supervisor:
      description: Name of the runit service whose runsv started the process, or empty.
      type: str
"""

import os

from ansible.module_utils.basic import AnsibleModule

LISTEN = "0A"


def listening_inodes(port: int) -> set:
    """Inodes of the sockets listening on ``port``, IPv4 and IPv6."""
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
        argument_spec={"ports": {"type": "list", "elements": "int", "required": True}},
        supports_check_mode=True,
    )
    ports = module.params["ports"]
    outside = [port for port in ports if not 1 <= port <= 65535]
    if outside:
        module.fail_json(msg=f"port(s) {outside} outside 1-65535")
    owners = {}
    for port in ports:
        inodes = listening_inodes(port)
        owners[str(port)] = holders(inodes) if inodes else []
    module.exit_json(changed=False, owners=owners)


if __name__ == "__main__":
    main()

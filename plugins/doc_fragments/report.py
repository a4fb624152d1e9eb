# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This doc fragment is private to kmsguard.alarms: it can change at any time.

from __future__ import annotations


class ModuleDocFragment:
    # The controller-side report actions (verify_report, investigate_report): the targets, check mode, attributes.
    DOCUMENTATION = r"""
options:
  dest:
    description:
      - Directory of the report, created if needed; the verify and the investigate reports share the default one.
        A relative path is relative to the directory C(ansible-playbook) runs in. An existing report there is
        replaced.
    type: path
    default: kmsguard-verify-report
  hosts:
    description: The targets of the report, in order. Unset - every host of the play (C(ansible_play_hosts_all)).
    type: list
    elements: str
notes:
  - In check mode the report is built and returned but not written.
  - The report files are output, not managed state, so the task never reports C(changed).
attributes:
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details: Builds the report but writes no file.
  diff_mode:
    support: none
  platform:
    platforms: all
"""

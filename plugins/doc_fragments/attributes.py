# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This doc fragment is private to kmsguard.alarms: it can change at any time.

from __future__ import annotations


class ModuleDocFragment:
    # Every AWS module of the collection: what each attribute means, and the membership of the action group.
    # The module (or CHANGES / READS) says which of check mode, diff and idempotency it supports.
    DOCUMENTATION = r"""
options: {}
attributes:
  action_group:
    description:
      - Use C(group/kmsguard.alarms.aws) in C(module_defaults) to set defaults for this module.
      - That group extends C(group/amazon.aws.aws) and C(group/community.aws.aws), so one block also reaches the
        amazon.aws and community.aws modules.
    support: full
    membership:
      - kmsguard.alarms.aws
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying target.
  diff_mode:
    description:
      - Will return details on what has changed (or possibly needs changing in C(check_mode)), when in diff mode.
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
      - This assumes that the system controlled/queried by the module has not changed in a relevant way.
"""

    # A module that writes: check mode with a diff, idempotent.
    CHANGES = r"""
options: {}
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  idempotent:
    support: full
"""

    # A module that only reads: the same in check mode, nothing to diff.
    READS = r"""
options: {}
attributes:
  check_mode:
    support: full
    details: The module only reads; it runs the same in check mode.
  diff_mode:
    support: none
  idempotent:
    support: full
"""

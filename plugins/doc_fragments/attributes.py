# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This doc fragment is private to kmsguard.alarms: it can change at any time.

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options: {}
attributes:
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

    ACTIONGROUP_AWS = r"""
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
"""

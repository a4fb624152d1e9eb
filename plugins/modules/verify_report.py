#!/usr/bin/python

# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The action plugin plugins/action/verify_report.py does the work on the controller; this file documents it.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: verify_report
version_added: 1.0.0
short_description: Write the verify report of the KMS pending-deletion alarm (Markdown and HTML)
description:
  - Runs on the controller and makes no AWS call. Reads the audit that the role
    C(kmsguard.alarms.pending_deletion_alarm) (entry point C(verify)) recorded on each target, and writes one
    report in two forms into O(dest) - C(verify-report.md) (Markdown) and C(verify-report.html) (one
    self-contained HTML page).
  - The report shows every target against every check of the chain (pass, warn, fail), each finding with its
    remediation, the KMS keys pending deletion with the days left (most urgent first) and, after a drill, the
    alarms that sent a real notification.
  - A target of the C(account) topology that does not act is shown as covered by its home region's multi-region
    trail; a target without an audit (failed or unreachable) is shown as not audited, and fails.
  - Returns a compact per-target table for the console and the counts a playbook can fail on.
  - Run it once (C(run_once)) after the role's C(verify) entry point, as C(playbooks/verify.yml) does.
author:
  - kmsguard.alarms maintainers (@kmsguard)
seealso:
  - module: kmsguard.alarms.kms_pending_alarm_info
  - module: kmsguard.alarms.kms_pending_alarm_drill
extends_documentation_fragment: [ansible.builtin.action_common_attributes,
                                 ansible.builtin.action_common_attributes.flow, kmsguard.alarms.report]
"""

EXAMPLES = r"""
- name: Audit every target (read only)
  ansible.builtin.include_role:
    name: kmsguard.alarms.pending_deletion_alarm
    tasks_from: verify

- name: Write the report
  kmsguard.alarms.verify_report:
    dest: reports/kms-alarm
  run_once: true
  register: report

- name: Show the result per target
  ansible.builtin.debug:
    msg: "{{ report.table }}"
  run_once: true

- name: Fail when an alarm cannot fire
  ansible.builtin.fail:
    msg: "{{ report.failed_targets | join(', ') }} cannot fire: see {{ report.html_path }}"
  when: report.failed_targets | length > 0
  run_once: true
"""

RETURN = r"""
markdown_path:
  description: Absolute path of the Markdown report.
  returned: always
  type: str
  sample: /home/user/kmsguard-verify-report/verify-report.md
html_path:
  description: Absolute path of the HTML report.
  returned: always
  type: str
  sample: /home/user/kmsguard-verify-report/verify-report.html
written:
  description: Whether the files were written (false in check mode).
  returned: always
  type: bool
status:
  description: C(fail) when any target fails, else C(warn) when any target warns, else C(pass).
  returned: always
  type: str
  sample: pass
critical_count:
  description: Number of critical findings over all targets.
  returned: always
  type: int
  sample: 0
warning_count:
  description: Number of warnings over all targets.
  returned: always
  type: int
  sample: 1
failed_targets:
  description: The targets whose alarm cannot fire or notify (or that were not audited).
  returned: always
  type: list
  elements: str
  sample: []
table:
  description: The compact per-target table, one line per item.
  returned: always
  type: list
  elements: str
targets:
  description: One item per target - C(host), C(account_id), C(region), C(kind) (audited, covered, not_audited),
    C(status), C(checks), C(note) and C(findings) (as kms_pending_alarm_info returns them; empty unless audited).
  returned: always
  type: list
  elements: dict
pending_keys:
  description: Every KMS key pending deletion the audits found, most urgent first (see kms_pending_alarm_info).
  returned: always
  type: list
  elements: dict
"""

#!/usr/bin/python

# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The action plugin plugins/action/investigate_report.py does the work on the controller; this file documents it.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: investigate_report
version_added: 1.0.0
short_description: Write the report of the calls on KMS keys pending deletion (Markdown and HTML)
description:
  - Runs on the controller and makes no AWS call. Reads the search that the role
    C(kmsguard.alarms.pending_deletion_alarm) (entry point C(investigate)) recorded on each target with
    M(kmsguard.alarms.kms_pending_events), and writes one report in two forms into O(dest) -
    C(investigate-report.md) and C(investigate-report.html), in the look of the verify report and next to it.
  - The report shows each called key (most urgent first) with its aliases, days left, operations and callers,
    every caller (principal, calling service, source IP address, user agent), the first calls, the command that
    cancels the deletions, and the window each target searched.
  - Returns a per-key table for the console and the cancel command.
  - Run it once (C(run_once)) after the role's C(investigate) entry point, as C(playbooks/investigate.yml) does.
author:
  - kmsguard.alarms maintainers (@kmsguard)
seealso:
  - module: kmsguard.alarms.kms_pending_events
  - module: kmsguard.alarms.verify_report
extends_documentation_fragment: [ansible.builtin.action_common_attributes,
                                 ansible.builtin.action_common_attributes.flow, kmsguard.alarms.report]
"""

EXAMPLES = r"""
- name: Search every target (read only)
  ansible.builtin.include_role:
    name: kmsguard.alarms.pending_deletion_alarm
    tasks_from: investigate

- name: Write the report
  kmsguard.alarms.investigate_report:
    dest: reports/kms-alarm
  run_once: true
  register: report

- name: Show the keys in use
  ansible.builtin.debug:
    msg: "{{ report.table }}"
"""

RETURN = r"""
written:
  description: Whether the files were written (not in check mode).
  returned: always
  type: bool
markdown_path:
  description: Path of the Markdown report.
  returned: always
  type: str
html_path:
  description: Path of the HTML report.
  returned: always
  type: str
status:
  description: V(pass) (nothing found), V(warn) (keys pending deletion are in use) or V(fail) (a search failed).
  returned: always
  type: str
found:
  description: Whether any call on a key pending deletion was found.
  returned: always
  type: bool
called_keys:
  description: Every called key once, most urgent first, as M(kmsguard.alarms.kms_pending_events) returns it.
  returned: always
  type: list
  elements: dict
failed_targets:
  description: The targets whose search failed or did not run.
  returned: always
  type: list
  elements: str
table:
  description: The per-key table for the console (one string per line), or one line saying nothing was found.
  returned: always
  type: list
  elements: str
cancel_command:
  description: The C(kmsguard.alarms.cancel_deletion) run that cancels the deletion of the keys still pending deletion.
  returned: always
  type: str
"""

# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One ``module_defaults: group/kmsguard.alarms.aws`` block reaches amazon.aws, community.aws and our modules.

The test environment sets AWS_DEFAULT_REGION=us-east-1, so a module the group did not reach would land there.
"""

from __future__ import annotations

GROUP_REGION = "eu-west-1"
ENVIRONMENT_REGION = "us-east-1"


def log_group_names(logs, prefix: str) -> list[str]:
    return [group["logGroupName"] for group in logs.describe_log_groups(logGroupNamePrefix=prefix)["logGroups"]]


def filter_names(logs, log_group: str) -> list[str]:
    """The filters of the group; none where the group does not exist (CloudWatch Logs answers not found)."""
    try:
        found = logs.describe_metric_filters(logGroupName=log_group)["metricFilters"]
    except logs.exceptions.ResourceNotFoundException:
        return []
    return [metric_filter["filterName"] for metric_filter in found]


def topic_names(sns) -> list[str]:
    return [topic["TopicArn"].rsplit(":", 1)[-1] for topic in sns.list_topics()["Topics"]]


def test_group_defaults_reach_amazon_aws_community_aws_and_our_modules(
    run_playbook, aws_client, unique_name, moto_endpoint
):
    log_group = f"/aws/cloudtrail/{unique_name}"
    moto_endpoint.forget_calls()

    run = run_playbook(
        [
            {"name": "log group", "amazon.aws.cloudwatchlogs_log_group": {"log_group_name": log_group}},
            {"name": "metric filter", "kmsguard.alarms.kms_pending_metric_filter": {"log_group_name": log_group}},
            {"name": "topic", "community.aws.sns_topic": {"name": unique_name}},
        ],
        module_defaults={"group/kmsguard.alarms.aws": {"region": GROUP_REGION}},
    )

    assert run.rc == 0, run.stdout
    assert run.result("log group")["changed"] is True
    assert run.result("metric filter")["changed"] is True
    assert run.result("topic")["changed"] is True
    assert {call["region"] for call in moto_endpoint.calls()} == {GROUP_REGION}
    grouped, environment = aws_client("logs", GROUP_REGION), aws_client("logs", ENVIRONMENT_REGION)
    assert log_group_names(grouped, log_group) == [log_group]
    assert filter_names(grouped, log_group) == [run.result("metric filter")["metric_filter"]["filter_name"]]
    assert log_group_names(environment, log_group) == []
    assert filter_names(environment, log_group) == []
    assert unique_name in topic_names(aws_client("sns", GROUP_REGION))
    assert unique_name not in topic_names(aws_client("sns", ENVIRONMENT_REGION))

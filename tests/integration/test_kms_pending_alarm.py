# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""kmsguard.alarms.kms_pending_alarm through real ``ansible-playbook`` runs against a moto server on 127.0.0.1.

Each test runs the steps of one scenario as tasks of one playbook (task-level ``check_mode``/``diff``), reads
every task's result, and checks what AWS holds with boto3. The moto server records every API call, so the tests
also hold the module to its call budget.
"""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from procedure_alarm import PROCEDURE_ALARM_FIELDS

MODULE = "kmsguard.alarms.kms_pending_alarm"
REGION = "us-east-1"  # the run's region: AWS_DEFAULT_REGION in the fixtures' environment
DESCRIBE, PUT, DELETE = "DescribeAlarms", "PutMetricAlarm", "DeleteAlarms"
LIST_TAGS, TAG, UNTAG = "ListTagsForResource", "TagResource", "UntagResource"


def alarm_task(name: str, check: bool = False, **options) -> dict:
    """One task of the module, always with diff, so every result shows before and after."""
    task = {"name": name, MODULE: options, "diff": True}
    if check:
        task["check_mode"] = True
    return task


def rescued(task: dict) -> dict:
    """``task`` in a block whose rescue lets the play go on, so one run collects several expected failures."""
    return {"block": [task], "rescue": [{"name": f"after {task['name']}", "ansible.builtin.meta": "noop"}]}


def read_alarm(cloudwatch, name: str) -> dict | None:
    alarms = cloudwatch.describe_alarms(AlarmNames=[name], AlarmTypes=["MetricAlarm"])["MetricAlarms"]
    return alarms[0] if alarms else None


def read_tags(cloudwatch, name: str) -> dict:
    tags = cloudwatch.list_tags_for_resource(ResourceARN=read_alarm(cloudwatch, name)["AlarmArn"])["Tags"]
    return {tag["Key"]: tag["Value"] for tag in tags}


def differing(diff: dict) -> set[str]:
    before, after = diff["before"], diff["after"]
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


PROCEDURE_FIELDS = {"AlarmDescription": constants.ALARM_DESCRIPTION, **PROCEDURE_ALARM_FIELDS}


def put_procedure_alarm(cloudwatch, name: str, **extra) -> None:
    """The procedure's alarm written by someone else (console, CLI), optionally with more fields."""
    cloudwatch.put_metric_alarm(**{"AlarmName": name, **PROCEDURE_FIELDS, **extra})


@pytest.fixture
def cloudwatch(aws_client):
    return aws_client("cloudwatch", REGION)


@pytest.fixture
def topic_arn(aws_client, unique_name) -> str:
    return aws_client("sns", REGION).create_topic(Name=unique_name)["TopicArn"]


@pytest.fixture
def other_topic_arn(aws_client, unique_name) -> str:
    return aws_client("sns", REGION).create_topic(Name=f"{unique_name}-oncall")["TopicArn"]


def test_create_in_check_mode_then_create_then_no_change(
    run_playbook, moto_endpoint, cloudwatch, unique_name, topic_arn
):
    options = {"alarm_name": unique_name, "alarm_actions": [topic_arn]}
    moto_endpoint.forget_calls()
    run = run_playbook(
        [
            alarm_task("create (check)", check=True, **options),
            alarm_task("create", **options),
            alarm_task("again (check)", check=True, **options),
            alarm_task("again", **options),
        ]
    )
    assert run.rc == 0, run.stdout
    predicted, created = run.result("create (check)"), run.result("create")
    assert predicted["changed"] and created["changed"]
    # The real run still found no alarm: the check run wrote nothing. It predicted exactly what was done.
    assert predicted["diff"] == created["diff"]
    assert created["diff"]["before"] == {}
    assert predicted["alarm"] == created["alarm"]
    assert created["alarm"]["alarm_actions"] == [topic_arn]
    for name in ("again (check)", "again"):
        assert not run.result(name)["changed"], name
        assert run.result(name)["diff"]["before"] == run.result(name)["diff"]["after"]
    assert run.result("again")["alarm"]["alarm_arn"].endswith(f":alarm:{unique_name}")
    assert moto_endpoint.operations() == [DESCRIBE, DESCRIBE, PUT, DESCRIBE, DESCRIBE]

    alarm = read_alarm(cloudwatch, unique_name)
    assert alarm["AlarmActions"] == [topic_arn]
    assert alarm["ActionsEnabled"] is True
    assert {key: alarm.get(key) for key in PROCEDURE_FIELDS} == PROCEDURE_FIELDS


def test_change_in_check_mode_then_update(run_playbook, moto_endpoint, cloudwatch, unique_name, topic_arn):
    options = {"alarm_name": unique_name, "alarm_actions": [topic_arn]}
    changes = {"period": 300, "evaluation_periods": 3, "datapoints_to_alarm": 2, "actions_enabled": False}
    run = run_playbook(
        [
            alarm_task("create", **options),
            alarm_task("change (check)", check=True, **options, **changes),
            alarm_task("change", **options, **changes),
            alarm_task("change again", **options, **changes),
        ]
    )
    assert run.rc == 0, run.stdout
    predicted, changed = run.result("change (check)"), run.result("change")
    assert predicted["changed"] and changed["changed"]
    assert differing(predicted["diff"]) == set(changes)
    assert predicted["diff"]["before"]["period"] == constants.PERIOD
    assert predicted["diff"]["after"]["period"] == 300
    assert predicted["diff"]["after"]["actions_enabled"] is False
    # The real change started from the same alarm: the check run wrote nothing.
    assert changed["diff"] == predicted["diff"]
    assert not run.result("change again")["changed"]

    alarm = read_alarm(cloudwatch, unique_name)
    assert (alarm["Period"], alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"]) == (300, 3, 2)
    assert alarm["ActionsEnabled"] is False
    assert alarm["AlarmActions"] == [topic_arn]


def test_actions_in_another_order_or_repeated_are_no_change(
    run_playbook, moto_endpoint, cloudwatch, unique_name, topic_arn, other_topic_arn
):
    run = run_playbook(
        [
            alarm_task("create", alarm_name=unique_name, alarm_actions=[topic_arn, other_topic_arn]),
            alarm_task(
                "reordered",
                alarm_name=unique_name,
                alarm_actions=[other_topic_arn, topic_arn, other_topic_arn],
                ok_actions=[topic_arn, topic_arn],
            ),
            alarm_task(
                "reordered again", alarm_name=unique_name, alarm_actions=[other_topic_arn, topic_arn, topic_arn]
            ),
        ]
    )
    assert run.rc == 0, run.stdout
    assert run.result("create")["changed"]
    assert differing(run.result("reordered")["diff"]) == {"ok_actions"}
    assert not run.result("reordered again")["changed"]
    alarm = read_alarm(cloudwatch, unique_name)
    assert sorted(alarm["AlarmActions"]) == sorted([topic_arn, other_topic_arn])
    assert alarm["OKActions"] == [topic_arn]


def test_fields_set_elsewhere_survive_an_update_that_does_not_mention_them(
    run_playbook, cloudwatch, unique_name, topic_arn, other_topic_arn
):
    put_procedure_alarm(
        cloudwatch,
        unique_name,
        AlarmActions=[topic_arn],
        OKActions=[other_topic_arn],
        InsufficientDataActions=[other_topic_arn],
        Dimensions=[{"Name": "Trail", "Value": "org"}],
        Unit="Count",
    )
    options = {"alarm_name": unique_name, "alarm_actions": [topic_arn], "period": 120}
    run = run_playbook([alarm_task("update", **options), alarm_task("update again", **options)])
    assert run.rc == 0, run.stdout
    assert differing(run.result("update")["diff"]) == {"period"}
    assert not run.result("update again")["changed"]

    alarm = read_alarm(cloudwatch, unique_name)
    assert alarm["Period"] == 120
    assert alarm["OKActions"] == [other_topic_arn]
    assert alarm["InsufficientDataActions"] == [other_topic_arn]
    assert alarm["Dimensions"] == [{"Name": "Trail", "Value": "org"}]
    assert alarm["Unit"] == "Count"


def test_tags_add_purge_keep_and_leave_alone(run_playbook, moto_endpoint, cloudwatch, unique_name, topic_arn):
    options = {"alarm_name": unique_name, "alarm_actions": [topic_arn]}
    moto_endpoint.forget_calls()
    run = run_playbook(
        [
            alarm_task("create tagged", **options, tags={"team": "security", "env": "prod"}),
            alarm_task("purge and add", **options, tags={"team": "security", "owner": "kms"}),
            alarm_task("add without purge", **options, tags={"extra": "x"}, purge_tags=False),
            alarm_task("same tags", **options, tags={"team": "security", "owner": "kms", "extra": "x"}),
            alarm_task("tags unset", **options),
        ]
    )
    assert run.rc == 0, run.stdout
    assert [run.result(name)["changed"] for name in ("create tagged", "purge and add", "add without purge")] == [
        True,
        True,
        True,
    ]
    assert run.result("purge and add")["diff"]["before"]["tags"] == {"team": "security", "env": "prod"}
    assert run.result("purge and add")["alarm"]["tags"] == {"team": "security", "owner": "kms"}
    assert not run.result("same tags")["changed"]
    assert not run.result("tags unset")["changed"]
    assert "tags" not in run.result("tags unset")["alarm"]
    assert moto_endpoint.operations() == [
        *[DESCRIBE, PUT],  # creation carries the tags
        *[DESCRIBE, LIST_TAGS, TAG, UNTAG],
        *[DESCRIBE, LIST_TAGS, TAG],
        *[DESCRIBE, LIST_TAGS],
        *[DESCRIBE],
    ]
    assert read_tags(cloudwatch, unique_name) == {"team": "security", "owner": "kms", "extra": "x"}


def test_purge_never_removes_aws_reserved_tags(run_playbook, cloudwatch, unique_name, topic_arn):
    put_procedure_alarm(cloudwatch, unique_name, AlarmActions=[topic_arn], ActionsEnabled=True)
    # AWS sets aws:* tags itself (CloudFormation, for one); users cannot, but moto lets the test play AWS here.
    arn = read_alarm(cloudwatch, unique_name)["AlarmArn"]
    cloudwatch.tag_resource(
        ResourceARN=arn, Tags=[{"Key": "aws:cloudformation:stack-name", "Value": "s"}, {"Key": "team", "Value": "x"}]
    )
    run = run_playbook([alarm_task("purge", alarm_name=unique_name, alarm_actions=[topic_arn], tags={})])
    assert run.rc == 0, run.stdout
    assert run.result("purge")["changed"]
    assert read_tags(cloudwatch, unique_name) == {"aws:cloudformation:stack-name": "s"}


def test_delete_in_check_mode_then_delete_then_no_change(
    run_playbook, moto_endpoint, cloudwatch, unique_name, topic_arn
):
    moto_endpoint.forget_calls()
    run = run_playbook(
        [
            alarm_task("create", alarm_name=unique_name, alarm_actions=[topic_arn]),
            alarm_task("delete (check)", check=True, alarm_name=unique_name, state="absent"),
            alarm_task("delete", alarm_name=unique_name, state="absent"),
            alarm_task("delete again", alarm_name=unique_name, state="absent"),
        ]
    )
    assert run.rc == 0, run.stdout
    predicted, deleted = run.result("delete (check)"), run.result("delete")
    assert predicted["changed"] and deleted["changed"]
    assert predicted["diff"]["after"] == {} and predicted["alarm"] == {}
    assert predicted["diff"]["before"]["alarm_actions"] == [topic_arn]
    assert deleted["diff"] == predicted["diff"]  # the check run left the alarm in place
    assert not run.result("delete again")["changed"]
    assert run.result("delete again")["diff"] == {"before": {}, "after": {}}
    assert moto_endpoint.operations() == [DESCRIBE, PUT, DESCRIBE, DESCRIBE, DELETE, DESCRIBE]
    assert read_alarm(cloudwatch, unique_name) is None


def test_the_shortest_task_manages_only_the_alarm_of_that_exact_name(run_playbook, aws_client):
    """Default name in a region no other test uses: a longer name that starts with it is never touched."""
    region = "eu-north-1"
    cloudwatch = aws_client("cloudwatch", region)
    lookalike = f"{constants.ALARM_NAME}Old"
    put_procedure_alarm(cloudwatch, lookalike, Period=300, AlarmActions=[])
    lookalike_before = read_alarm(cloudwatch, lookalike)
    try:
        run = run_playbook(
            [
                alarm_task("delete when only the lookalike exists", region=region, state="absent"),
                alarm_task("create with defaults only", region=region),
                alarm_task("update", region=region, period=120),
                alarm_task("delete", region=region, state="absent"),
            ]
        )
    finally:
        cloudwatch.delete_alarms(AlarmNames=[constants.ALARM_NAME])
    assert run.rc == 0, run.stdout
    assert not run.result("delete when only the lookalike exists")["changed"]
    created = run.result("create with defaults only")
    assert created["changed"]
    assert created["alarm"]["alarm_name"] == constants.ALARM_NAME
    assert any("no alarm_actions" in warning for warning in created.get("warnings", [])), created
    assert run.result("update")["diff"]["before"]["period"] == constants.PERIOD
    assert run.result("delete")["changed"]
    assert read_alarm(cloudwatch, constants.ALARM_NAME) is None
    assert read_alarm(cloudwatch, lookalike) == lookalike_before
    cloudwatch.delete_alarms(AlarmNames=[lookalike])


FOREIGN_TOPIC = "arn:aws:sns:eu-west-1:123456789012:kms-alerts"
LOCAL_TOPIC = f"arn:aws:sns:{REGION}:123456789012:kms-alerts"
INVALID = [
    ({"alarm_actions": ["kms-alerts"]}, ["alarm_actions: 'kms-alerts' is not an ARN"]),
    ({"ok_actions": [f"{LOCAL_TOPIC} "]}, [f"ok_actions: '{LOCAL_TOPIC} ' is not an ARN"]),
    ({"insufficient_data_actions": ["sns:kms-alerts"]}, ["insufficient_data_actions: 'sns:kms-alerts' is not an ARN"]),
    (
        {"alarm_actions": [FOREIGN_TOPIC]},  # the region comes from AWS_DEFAULT_REGION
        [f"'{FOREIGN_TOPIC}' is an SNS topic in eu-west-1 but the alarm is in {REGION}", "another region"],
    ),
    (
        {"region": "eu-west-1", "alarm_actions": [LOCAL_TOPIC]},
        [f"'{LOCAL_TOPIC}' is an SNS topic in {REGION} but the alarm is in eu-west-1"],
    ),
    ({"alarm_actions": ["arn:aws:sns:us-east-1:42:t"]}, ["not a valid SNS topic ARN", "12-digit account ID"]),
    ({"period": 90}, ["period: 90 is not a positive multiple of 60 seconds"]),
    ({"period": 0}, ["period: 0 is not a positive multiple of 60 seconds"]),
    (
        {"evaluation_periods": 2, "datapoints_to_alarm": 3},
        ["datapoints_to_alarm: 3 is more than evaluation_periods (2)"],
    ),
    ({"evaluation_periods": 0}, ["evaluation_periods: 0 must be at least 1"]),
    ({"threshold": -1}, ["threshold: -1.0 is negative"]),
]


def test_every_validation_error_fails_before_any_call(run_playbook, moto_endpoint, unique_name):
    moto_endpoint.forget_calls()
    tasks = [
        rescued(alarm_task(f"invalid {index}", alarm_name=unique_name, **options))
        for index, (options, _fragments) in enumerate(INVALID)
    ]
    run = run_playbook(tasks)
    assert run.rc == 0, run.stdout  # every failure was rescued
    for index, (_options, fragments) in enumerate(INVALID):
        result = run.result(f"invalid {index}")
        assert result.get("failed"), (index, result)
        for fragment in fragments:
            assert fragment in result["msg"], (index, result["msg"])
    assert moto_endpoint.operations() == []


def test_region_from_module_defaults_of_the_action_group(run_playbook, moto_endpoint, aws_client, unique_name):
    """One group/kmsguard.alarms.aws block sets the region of ours and of amazon.aws modules, and is validated."""
    region = "eu-west-1"
    topic = aws_client("sns", region).create_topic(Name=unique_name)["TopicArn"]
    moto_endpoint.forget_calls()
    run = run_playbook(
        [
            rescued(alarm_task("topic of another region", alarm_name=unique_name, alarm_actions=[LOCAL_TOPIC])),
            alarm_task("create", alarm_name=unique_name, alarm_actions=[topic]),
            {"name": "read with amazon.aws", "amazon.aws.cloudwatch_metric_alarm_info": {"alarm_names": [unique_name]}},
        ],
        module_defaults={"group/kmsguard.alarms.aws": {"region": region}},
    )
    assert run.rc == 0, run.stdout
    failed = run.result("topic of another region")
    assert failed.get("failed")
    assert f"is an SNS topic in {REGION} but the alarm is in {region}" in failed["msg"]
    assert run.result("create")["changed"]
    assert [alarm["alarm_name"] for alarm in run.result("read with amazon.aws")["metric_alarms"]] == [unique_name]
    calls = moto_endpoint.calls()
    assert [call["operation"] for call in calls] == [DESCRIBE, PUT, DESCRIBE]
    assert {call["region"] for call in calls} == {region}
    assert read_alarm(aws_client("cloudwatch", region), unique_name)["AlarmActions"] == [topic]


def test_call_budget(run_playbook, moto_endpoint, unique_name, topic_arn):
    options = {"alarm_name": unique_name, "alarm_actions": [topic_arn]}
    steps = [
        (alarm_task("create with tags", **options, tags={"team": "security"}), [DESCRIBE, PUT]),
        (alarm_task("no change, tags unset", **options), [DESCRIBE]),
        (alarm_task("no change, tags given", **options, tags={"team": "security"}), [DESCRIBE, LIST_TAGS]),
        (alarm_task("no change (check)", check=True, **options), [DESCRIBE]),
        (alarm_task("update (check)", check=True, **options, threshold=2), [DESCRIBE]),
        (alarm_task("update", **options, threshold=2), [DESCRIBE, PUT]),
        (alarm_task("update tags", **options, threshold=2, tags={"team": "ops"}), [DESCRIBE, LIST_TAGS, TAG]),
        (alarm_task("delete", alarm_name=unique_name, state="absent"), [DESCRIBE, DELETE]),
        (alarm_task("delete again", alarm_name=unique_name, state="absent"), [DESCRIBE]),
    ]
    moto_endpoint.forget_calls()
    run = run_playbook([task for task, _operations in steps])
    assert run.rc == 0, run.stdout
    assert moto_endpoint.operations() == [operation for _task, operations in steps for operation in operations]


def test_alarm_watches_the_metric_the_filter_publishes(run_playbook, aws_client, unique_name, topic_arn):
    """A matching log event makes the filter publish 1 to the procedure's metric; that datapoint breaches the alarm.

    moto stores alarms and metric data but never evaluates alarms (an alarm's state changes only through
    SetAlarmState, which proves nothing), so this test evaluates the alarm's own rule, as read back from AWS,
    on the statistics AWS computes for the published datapoint. The transition to ALARM itself is only
    observable on real CloudWatch.
    """
    region = "ap-southeast-2"  # a region of its own: the procedure's metric is shared by every alarm on it
    cloudwatch = aws_client("cloudwatch", region)
    topic = aws_client("sns", region).create_topic(Name=unique_name)["TopicArn"]
    run = run_playbook([alarm_task("create", region=region, alarm_name=unique_name, alarm_actions=[topic])])
    assert run.rc == 0, run.stdout
    alarm = read_alarm(cloudwatch, unique_name)
    now = datetime.datetime.now(datetime.UTC).replace(second=0, microsecond=0)
    cloudwatch.put_metric_data(
        Namespace=constants.METRIC_NAMESPACE,
        MetricData=[{"MetricName": constants.METRIC_NAME, "Value": float(constants.METRIC_VALUE), "Timestamp": now}],
    )
    statistics = cloudwatch.get_metric_statistics(
        Namespace=alarm["Namespace"],
        MetricName=alarm["MetricName"],
        Dimensions=alarm.get("Dimensions", []),
        StartTime=now - datetime.timedelta(seconds=alarm["Period"]),
        EndTime=now + datetime.timedelta(seconds=alarm["Period"]),
        Period=alarm["Period"],
        Statistics=[alarm["Statistic"]],
    )["Datapoints"]
    breaching = [point for point in statistics if point[alarm["Statistic"]] >= alarm["Threshold"]]
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert len(breaching) >= alarm["DatapointsToAlarm"]
    cloudwatch.delete_alarms(AlarmNames=[unique_name])

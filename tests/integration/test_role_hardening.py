# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the role deploys is locked down, leaves what is not its own alone, puts back what was changed by hand and
bears two operators at once: real site.yml and teardown.yml runs against moto, checked with boto3.

Each test is an account of its own (the ``account`` fixture) and writes its figures for docs/reliability.md.
"""

from __future__ import annotations

import json
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest

import account_inventory
import reliability_figures
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from aws_account import Account
from playbook_run import PlaybookRun as Run
from playbook_run import assert_check_mode_told_the_truth

REPO_ROOT = Path(__file__).resolve().parents[2]
SITE = REPO_ROOT / "playbooks" / "site.yml"
TEARDOWN = REPO_ROOT / "playbooks" / "teardown.yml"
EMAIL = "security-team@example.com"
HOME, OTHER, OUTSIDE = "us-east-1", "eu-west-1", "ap-southeast-2"
PREFIX = account_inventory.PREFIX
TRAIL, LOG_GROUP, IAM_ROLE, TOPIC = (
    account_inventory.TRAIL,
    account_inventory.LOG_GROUP,
    account_inventory.IAM_ROLE,
    account_inventory.TOPIC,
)


@pytest.fixture
def site(account, ansible_playbook, moto_endpoint):
    """``site(regions, playbook=SITE, check=False, **role_vars)``: one run in the test's account, one host a region."""

    def run(regions, playbook: Path = SITE, check: bool = False, **role_vars) -> Run:
        group_vars = {"ansible_python_interpreter": sys.executable, "pending_deletion_alarm_emails": [EMAIL]}
        group_vars.update({f"pending_deletion_alarm_{name}": value for name, value in role_vars.items()})
        moto_endpoint.forget_calls()
        completed = ansible_playbook(
            playbook,
            hosts={f"target-{region}": {"aws_region": region} for region in regions},
            group_vars=group_vars,
            check=check,
            diff=check,
            env=account.env,
        )
        return replace(completed, calls=moto_endpoint.calls())

    return run


def topic_arn(account: Account, region: str, name: str = TOPIC) -> str:
    return f"arn:aws:sns:{region}:{account.account_id}:{name}"


def policy(document) -> dict:
    return json.loads(document) if isinstance(document, str) else document


# --- 3 and 2: the security defaults, and one key for the whole chain ---------------------------------------------


def security_findings(account: Account, region: str, home: str) -> dict[str, bool]:
    """Each security default of the chain in ``region`` (bucket and delivery role: the account's), True when met."""
    s3, iam = account.client("s3", home), account.client("iam")
    cloudtrail, logs = account.client("cloudtrail", region), account.client("logs", region)
    bucket = f"{PREFIX}-cloudtrail-{account.account_id}-{home}"
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    statements = policy(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
    deny_http = [s for s in statements if s["Effect"] == "Deny"]
    allows = [s for s in statements if s["Effect"] == "Allow"]
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    ownership = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    trust = policy(iam.get_role(RoleName=IAM_ROLE)["Role"]["AssumeRolePolicyDocument"])["Statement"]
    trail = cloudtrail.describe_trails(trailNameList=[TRAIL])["trailList"][0]
    group = next(g for g in logs.describe_log_groups(logGroupNamePrefix=LOG_GROUP)["logGroups"])
    topic_policy = policy(
        account.client("sns", region).get_topic_attributes(TopicArn=topic_arn(account, region))["Attributes"]["Policy"]
    )["Statement"]
    selectors = cloudtrail.get_event_selectors(TrailName=trail["TrailARN"])
    return {
        "bucket public access blocked": all(block.values()) and len(block) == 4,
        "bucket TLS only": any(
            s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} and s["Principal"] == "*" for s in deny_http
        ),
        "bucket writable by this account's role trails only": bool(allows)
        and all(
            s["Condition"]["ArnLike"]["aws:SourceArn"] == f"arn:aws:cloudtrail:*:{account.account_id}:trail/{TRAIL}"
            for s in allows
        ),
        "bucket ACLs disabled": ownership == [{"ObjectOwnership": "BucketOwnerEnforced"}],
        "bucket encrypted": rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms"),
        "topic: only this account's CloudWatch alarms publish": [
            (s["Principal"], s["Action"], s["Condition"]["StringEquals"]["aws:SourceAccount"]) for s in topic_policy
        ]
        == [({"Service": "cloudwatch.amazonaws.com"}, "sns:Publish", account.account_id)],
        "delivery role trusts this account's role trails only": [
            (
                s["Principal"],
                s["Condition"]["StringEquals"]["aws:SourceAccount"],
                s["Condition"]["ArnLike"]["aws:SourceArn"],
            )
            for s in trust
        ]
        == [
            (
                {"Service": "cloudtrail.amazonaws.com"},
                account.account_id,
                f"arn:aws:cloudtrail:*:{account.account_id}:trail/{TRAIL}",
            )
        ],
        "log file validation on": trail["LogFileValidationEnabled"] is True,
        "retention set": group.get("retentionInDays") == 365,
        "event selectors: management events, read and write, KMS not excluded": selectors.get("EventSelectors")
        == list(constants.EVENT_SELECTORS)
        and not selectors.get("AdvancedEventSelectors"),
    }


def kms_keys_in_use(account: Account, region: str) -> dict[str, str | None]:
    trail = account.client("cloudtrail", region).describe_trails(trailNameList=[TRAIL])["trailList"][0]
    group = account.client("logs", region).describe_log_groups(logGroupNamePrefix=LOG_GROUP)["logGroups"][0]
    attributes = account.client("sns", region).get_topic_attributes(TopicArn=topic_arn(account, region))["Attributes"]
    return {
        "trail": trail.get("KmsKeyId"),
        "log_group": group.get("kmsKeyId"),
        "topic": attributes.get("KmsMasterKeyId"),
    }


# --- 4: what is not the role's ------------------------------------------------------------------------------------


FOREIGN_TRAILS = (
    (HOME, "kmsguard-trail-2", False),  # similar name, same region
    (OTHER, "xkmsguard-trail", True),  # similar name, multi-region
    (OUTSIDE, TRAIL, False),  # the same name, in a region the inventory does not name
)


def make_foreign_resources(account: Account) -> None:
    """Resources a role deployment must leave as they are, named like the role's where AWS allows it."""
    s3 = account.client("s3", HOME)
    s3.create_bucket(Bucket=f"foreign-{account.account_id}")
    for region, name, multi_region in FOREIGN_TRAILS:
        cloudtrail = account.client("cloudtrail", region)
        cloudtrail.create_trail(
            Name=name, S3BucketName=f"foreign-{account.account_id}", IsMultiRegionTrail=multi_region
        )
        cloudtrail.start_logging(Name=name)
        cloudtrail.put_event_selectors(TrailName=name, EventSelectors=[{"ReadWriteType": "WriteOnly"}])
    logs = account.client("logs", HOME)
    logs.create_log_group(logGroupName=LOG_GROUP)  # the role adopts the group by its name: its filters stay others'
    for name in ("KMSKeyPendingDeletion-team", "RootAccountUsage"):
        logs.put_metric_filter(
            logGroupName=LOG_GROUP,
            filterName=name,
            filterPattern='{ $.userIdentity.type = "Root" }',
            metricTransformations=[{"metricName": name, "metricNamespace": "Team", "metricValue": "1"}],
        )
    cloudwatch = account.client("cloudwatch", HOME)
    for name in (f"{constants.ALARM_NAME}-team", f"Team{constants.ALARM_NAME}"):
        cloudwatch.put_metric_alarm(
            AlarmName=name,
            MetricName=constants.METRIC_NAME,
            Namespace=constants.METRIC_NAMESPACE,
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=5,
            ComparisonOperator="GreaterThanThreshold",
        )
    account.client("sns", HOME).create_topic(Name=f"{TOPIC}-old")
    account.client("iam").create_role(RoleName=f"{IAM_ROLE}-old", AssumeRolePolicyDocument="{}")


def foreign_state(account: Account) -> dict[str, object]:
    """Everything make_foreign_resources made, as it is now (compared before and after each run)."""
    trails = {}
    for region, name, _multi in FOREIGN_TRAILS:
        cloudtrail = account.client("cloudtrail", region)
        found = cloudtrail.describe_trails(trailNameList=[name])["trailList"]
        trails[f"{region}/{name}"] = found and (
            found[0]["IsMultiRegionTrail"],
            found[0].get("CloudWatchLogsLogGroupArn"),
            cloudtrail.get_trail_status(Name=found[0]["TrailARN"])["IsLogging"],
            cloudtrail.get_event_selectors(TrailName=found[0]["TrailARN"]).get("EventSelectors"),
        )
    filters = account.client("logs", HOME).describe_metric_filters(logGroupName=LOG_GROUP)["metricFilters"]
    alarms = account.client("cloudwatch", HOME).describe_alarms()["MetricAlarms"]
    return {
        "trails": trails,
        "filters": sorted(
            (f["filterName"], f["filterPattern"]) for f in filters if f["filterName"] != constants.FILTER_NAME
        ),
        "alarms": sorted((a["AlarmName"], a["Threshold"]) for a in alarms if a["AlarmName"] != constants.ALARM_NAME),
        "topics": [
            t["TopicArn"] for t in account.client("sns", HOME).list_topics()["Topics"] if t["TopicArn"].endswith("-old")
        ],
        "roles": [r["RoleName"] for r in account.client("iam").list_roles()["Roles"] if r["RoleName"].endswith("-old")],
    }


def subscriptions(account: Account, region: str) -> list[tuple[str, str]]:
    answer = account.client("sns", region).list_subscriptions_by_topic(TopicArn=topic_arn(account, region))
    return sorted((s["Protocol"], s["Endpoint"]) for s in answer["Subscriptions"])


def test_security_defaults_one_key_and_foreign_resources_survive(site, account):
    """Regional topology in two regions with one multi-Region key; foreign trails, filters, alarms, a topic, a role
    and a subscription survive deploy, re-run and teardown; the security defaults hold; teardown keeps the logs."""
    # moto keeps a trail's and a log group's KmsKeyId as given (it neither resolves nor checks the key), and its
    # multi-Region key IDs are not AWS's (mrk- and a UUID; AWS: mrk- and 32 hex digits): the test names an
    # AWS-shaped multi-Region key and checks which key each resource is given.
    key_id = "mrk-1234abcd12ab34cd56ef1234567890ab"
    key = {"Arn": f"arn:aws:kms:{HOME}:{account.account_id}:key/{key_id}"}
    replica = {"Arn": f"arn:aws:kms:{OTHER}:{account.account_id}:key/{key_id}"}
    make_foreign_resources(account)
    foreign_before = foreign_state(account)
    regions = (HOME, OTHER)

    deployed = site(regions, topology="regional", kms_key_id=key["Arn"])
    assert deployed.rc == 0, deployed.explain()
    findings = {region: security_findings(account, region, HOME) for region in regions}
    assert {region: [name for name, met in found.items() if not met] for region, found in findings.items()} == {
        HOME: [],
        OTHER: [],
    }
    # One key: CloudTrail's in the bucket's region, the group's and topic's in theirs (the replica in OTHER). The
    # HOME group existed before the role: CloudWatch Logs takes a key at creation only, and the role leaves it.
    assert kms_keys_in_use(account, OTHER) == {
        "trail": key["Arn"],
        "log_group": replica["Arn"],
        "topic": replica["Arn"],
    }
    assert kms_keys_in_use(account, HOME) == {"trail": key["Arn"], "log_group": None, "topic": key["Arn"]}
    assert foreign_state(account) == foreign_before

    foreign_subscription = ("https", "https://tickets.example.com/hooks/kms")
    account.client("sns", HOME).subscribe(
        TopicArn=topic_arn(account, HOME), Protocol=foreign_subscription[0], Endpoint=foreign_subscription[1]
    )
    rerun = site(regions, topology="regional", kms_key_id=key["Arn"])
    assert rerun.rc == 0, rerun.explain()
    assert set(rerun.changed.values()) == {0} and rerun.writes == [], rerun.explain()
    assert subscriptions(account, HOME) == sorted([("email", EMAIL), foreign_subscription])
    assert foreign_state(account) == foreign_before

    removed = site(regions, playbook=TEARDOWN, topology="regional", kms_key_id=key["Arn"])
    assert removed.rc == 0, removed.explain()
    assert foreign_state(account) == foreign_before
    for region in regions:
        assert [g["logGroupName"] for g in account.client("logs", region).describe_log_groups()["logGroups"]] == [
            LOG_GROUP
        ], "teardown keeps the logs"
        assert constants.ALARM_NAME not in [
            a["AlarmName"] for a in account.client("cloudwatch", region).describe_alarms()["MetricAlarms"]
        ]
    assert account.client("s3").head_bucket(Bucket=f"{PREFIX}-cloudtrail-{account.account_id}-{HOME}")

    reliability_figures.record(
        "hardening",
        "security-and-foreign",
        security_checks=sum(len(found) for found in findings.values()),
        security_failed=sum(not met for found in findings.values() for met in found.values()),
        foreign_resources=sum(len(found) for found in foreign_before.values()) + 1,  # and the subscription
        foreign_changed=0,
        runs=3,
        rerun_writes=len(rerun.writes),
    )


# --- 5: drift ----------------------------------------------------------------------------------------------------


def differing(diff: dict) -> set[str]:
    return {
        key for key in diff["before"].keys() | diff["after"].keys() if diff["before"].get(key) != diff["after"].get(key)
    }


def drift_by_hand(account: Account) -> None:
    """What someone changes in the console: each a setting the procedure fixes."""
    cloudwatch, logs = account.client("cloudwatch", HOME), account.client("logs", HOME)
    alarm = cloudwatch.describe_alarms(AlarmNames=[constants.ALARM_NAME])["MetricAlarms"][0]
    keep = (
        "AlarmDescription",
        "MetricName",
        "Namespace",
        "Statistic",
        "Period",
        "EvaluationPeriods",
        "ComparisonOperator",
    )
    cloudwatch.put_metric_alarm(
        AlarmName=constants.ALARM_NAME,
        **{field: alarm[field] for field in keep},
        Threshold=2,
        AlarmActions=[],
        TreatMissingData=alarm["TreatMissingData"],
        DatapointsToAlarm=alarm["DatapointsToAlarm"],
    )
    logs.put_metric_filter(
        logGroupName=LOG_GROUP,
        filterName=constants.FILTER_NAME,
        filterPattern='{ $.eventSource = "kms.amazonaws.com" }',
        metricTransformations=[
            {"metricName": constants.METRIC_NAME, "metricNamespace": constants.METRIC_NAMESPACE, "metricValue": "1"}
        ],
    )
    anyone = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": topic_arn(account, HOME)}
        ],
    }
    sns = account.client("sns", HOME)
    sns.set_topic_attributes(
        TopicArn=topic_arn(account, HOME), AttributeName="Policy", AttributeValue=json.dumps(anyone)
    )
    cloudtrail = account.client("cloudtrail", HOME)
    cloudtrail.put_event_selectors(
        TrailName=TRAIL,
        EventSelectors=[{"ReadWriteType": "WriteOnly", "ExcludeManagementEventSources": ["kms.amazonaws.com"]}],
    )
    cloudtrail.stop_logging(Name=TRAIL)


def chain_settings(account: Account) -> dict[str, object]:
    """The settings drift_by_hand changes, as the account has them."""
    alarm = account.client("cloudwatch", HOME).describe_alarms(AlarmNames=[constants.ALARM_NAME])["MetricAlarms"][0]
    filters = account.client("logs", HOME).describe_metric_filters(logGroupName=LOG_GROUP)["metricFilters"]
    attributes = account.client("sns", HOME).get_topic_attributes(TopicArn=topic_arn(account, HOME))["Attributes"]
    cloudtrail = account.client("cloudtrail", HOME)
    return {
        "alarm": (alarm["Threshold"], alarm["AlarmActions"]),
        "filter": [f["filterPattern"] for f in filters if f["filterName"] == constants.FILTER_NAME],
        "topic policy": policy(attributes["Policy"]),
        "selectors": cloudtrail.get_event_selectors(TrailName=TRAIL).get("EventSelectors"),
        "logging": cloudtrail.get_trail_status(Name=TRAIL)["IsLogging"],
    }


def test_drift_is_shown_by_check_diff_and_put_back_by_a_rerun(site, account):
    deployed = site([HOME])
    assert deployed.rc == 0, deployed.explain()
    procedure = chain_settings(account)
    drift_by_hand(account)
    drifted = chain_settings(account)
    assert all(drifted[name] != procedure[name] for name in procedure), drifted

    checked = site([HOME], check=True)
    assert checked.rc == 0, checked.explain()
    assert checked.writes == [], checked.explain()
    host = f"target-{HOME}"

    def result(task: str) -> dict:
        return checked.result(f"kmsguard.alarms.pending_deletion_alarm : {task}", host)

    alarm = result("Alarm on the filter's metric, notifying the topic")["results"][0]
    assert differing(alarm["diff"]) == {"threshold", "alarm_actions"}, alarm["diff"]
    assert (alarm["diff"]["before"]["threshold"], alarm["diff"]["after"]["threshold"]) == (2.0, 1.0)
    metric_filter = result("Metric filter on the trail's log group")["results"][0]
    assert differing(metric_filter["diff"]) == {"filter_pattern"}, metric_filter["diff"]
    selectors = result("Event selectors of the trail (management events, read and write, KMS not excluded)")
    assert differing(selectors["diff"]) == {"event_selectors"}, selectors["diff"]
    topic = result("Topic that only this account's CloudWatch alarms may publish to, with the email subscriptions")
    # community.aws.sns_topic has no diff: it reports the change and the topic as it is (the policy by hand).
    assert topic["changed"] and policy(topic["sns_topic"]["policy"]) == drifted["topic policy"], topic
    trail = result("Trail with log file validation, delivering to the log group")
    assert trail["changed"] and trail["trail"]["is_logging"] is True, trail
    shown = {"alarm": alarm, "filter": metric_filter, "selectors": selectors, "topic policy": topic, "logging": trail}
    assert chain_settings(account) == drifted, "check mode changed nothing"

    restored = site([HOME])
    assert restored.rc == 0, restored.explain()
    assert_check_mode_told_the_truth(checked, restored)
    assert chain_settings(account) == procedure

    reliability_figures.record(
        "hardening",
        "drift",
        changes_made=len(drifted),
        shown_by_check_diff=sum(bool(result["changed"]) for result in shown.values()),
        check_mode_writes=len(checked.writes),
        restored=sum(chain_settings(account)[name] == procedure[name] for name in procedure),
    )


CHAIN_TASK = (
    "kmsguard.alarms.pending_deletion_alarm : "
    "Read which parts of the chain are already in place (one read of each resource, no write)"
)
# A converged region's chain (account topology, tags, the CIS companion), read by one module run: each resource once.
CHAIN_READS = {
    "DescribeLogGroups": 1,
    "ListTagsLogGroup": 1,
    "DescribeTrails": 1,
    "GetTrailStatus": 1,
    "ListTags": 1,
    "GetEventSelectors": 1,
    "GetTopicAttributes": 1,
    "ListSubscriptionsByTopic": 1,
    "DescribeMetricFilters": 2,
    "DescribeAlarms": 2,
}


def drift_every_other_part(account: Account) -> None:
    """Changes the drift test above does not make, one in each setting the role's modules manage beyond those."""
    logs, cloudtrail = account.client("logs", HOME), account.client("cloudtrail", HOME)
    sns, cloudwatch = account.client("sns", HOME), account.client("cloudwatch", HOME)
    logs.put_retention_policy(logGroupName=LOG_GROUP, retentionInDays=30)
    logs.tag_log_group(logGroupName=LOG_GROUP, tags={"team": "someone-else"})
    trail_arn = cloudtrail.describe_trails(trailNameList=[TRAIL])["trailList"][0]["TrailARN"]
    cloudtrail.update_trail(Name=TRAIL, IsMultiRegionTrail=False)
    cloudtrail.add_tags(ResourceId=trail_arn, TagsList=[{"Key": "team", "Value": "someone-else"}])
    topic = topic_arn(account, HOME)
    sns.set_topic_attributes(TopicArn=topic, AttributeName="DisplayName", AttributeValue="renamed")
    for found in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]:
        sns.unsubscribe(SubscriptionArn=found["SubscriptionArn"])
    sns.tag_resource(ResourceArn=topic, Tags=[{"Key": "team", "Value": "someone-else"}])
    logs.delete_metric_filter(logGroupName=LOG_GROUP, filterName=constants.CIS_FILTER_NAME)
    alarm = cloudwatch.describe_alarms(AlarmNames=[constants.CIS_ALARM_NAME])["MetricAlarms"][0]
    cloudwatch.tag_resource(ResourceARN=alarm["AlarmArn"], Tags=[{"Key": "team", "Value": "someone-else"}])


def test_a_converged_chain_is_read_once_and_every_part_that_drifts_is_put_back(site, account):
    """kms_pending_chain_info stands in for the modules of a part only when that module would change nothing."""
    settings = {"tags": {"team": "security"}, "cis_alarm": True}
    assert site([HOME], **settings).rc == 0
    again = site([HOME], **settings)
    assert again.rc == 0 and set(again.changed.values()) == {0} and again.writes == [], again.explain()
    host = f"target-{HOME}"
    assert set(again.result(CHAIN_TASK, host)["in_place"].values()) == {True}
    reads = {operation: again.operations.count(operation) for operation in CHAIN_READS}
    assert reads == CHAIN_READS, again.operations

    drift_every_other_part(account)
    checked = site([HOME], check=True, **settings)
    assert checked.rc == 0 and checked.writes == [], checked.explain()
    assert checked.result(CHAIN_TASK, host)["differences"] == {
        "log_group": ["retention", "tags"],
        "trail": ["IsMultiRegionTrail", "tags"],
        "event_selectors": [],
        "topic": ["display name", "subscriptions to add", "tags"],
        "metric_filters": [f"metric filter {constants.CIS_FILTER_NAME} missing"],
        "alarms": [f"alarm {constants.CIS_ALARM_NAME}"],
    }
    # Each part that differs is left to its module, which check mode shows changing it.
    changed = {name.split(" : ", 1)[-1].rsplit(" [", 1)[0] for name in checked.changed_tasks()}
    assert changed >= {
        "Log group (check mode)",
        "Trail with log file validation, delivering to the log group",
        "Topic that only this account's CloudWatch alarms may publish to, with the email subscriptions",
        "Metric filter on the trail's log group",
        "Alarm on the filter's metric, notifying the topic",
    }, changed
    # amazon.aws.cloudwatchlogs_log_group would put the retention even in check mode: the role predicts it instead.
    predicted = checked.result("kmsguard.alarms.pending_deletion_alarm : Log group (check mode)", host)["diff"]
    assert predicted == {
        "before": {"retention": 30, "tags": {"team": "someone-else"}},
        "after": {"retention": 365, "tags": {"team": "security"}},
    }

    restored = site([HOME], **settings)
    assert restored.rc == 0, restored.explain()
    assert_check_mode_told_the_truth(checked, restored)
    logs, sns = account.client("logs", HOME), account.client("sns", HOME)
    group = logs.describe_log_groups(logGroupNamePrefix=LOG_GROUP)["logGroups"][0]
    assert group["retentionInDays"] == 365
    assert logs.list_tags_log_group(logGroupName=LOG_GROUP)["tags"] == {"team": "security"}
    trail = account.client("cloudtrail", HOME).describe_trails(trailNameList=[TRAIL])["trailList"][0]
    assert trail["IsMultiRegionTrail"] is True
    topic = topic_arn(account, HOME)
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["DisplayName"] == "KMS key pending deletion"
    assert [s["Endpoint"] for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]] == [EMAIL]
    filters = logs.describe_metric_filters(logGroupName=LOG_GROUP)["metricFilters"]
    assert sorted(f["filterName"] for f in filters) == sorted([constants.FILTER_NAME, constants.CIS_FILTER_NAME])
    last = site([HOME], **settings)
    assert set(last.changed.values()) == {0} and last.writes == [], last.explain()
    assert set(last.result(CHAIN_TASK, host)["in_place"].values()) == {True}


# --- 6: two operators at once -------------------------------------------------------------------------------------


def test_two_concurrent_runs_converge_without_errors_or_duplicates(site, account):
    regions = (HOME, OTHER)
    runs: list[Run] = []
    threads = [threading.Thread(target=lambda: runs.append(site(regions))) for _operator in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [run.rc for run in runs] == [0, 0], [run.explain() for run in runs]
    found = account_inventory.inventory(account, regions)
    want = account_inventory.expected(account, regions, "account", [EMAIL])
    assert account_inventory.differences(found, want) == {}

    reliability_figures.record(
        "hardening",
        "concurrent",
        operators=len(runs),
        failed_runs=sum(run.rc != 0 for run in runs),
        differences=len(account_inventory.differences(found, want)),
    )

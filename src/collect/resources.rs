//! Resource-based policies (`--resources`): S3 bucket policies (once, buckets are listed
//! globally), and in every chosen region the key policies of KMS keys and the policies of SQS
//! queues, SNS topics, Lambda functions and Secrets Manager secrets. A resource without a
//! policy is not an error; a refused call is recorded with its region.

use serde_json::{Value, json};

use super::account::Run;
use crate::engine::model::DataPart;

const PART: DataPart = DataPart::ResourcePolicies;

/// A policy as the bundle keeps it: the JSON document when the text parses, the text as is
/// otherwise (the loader then reports it).
fn document(text: &str) -> Value {
    serde_json::from_str::<Value>(text)
        .ok()
        .filter(Value::is_object)
        .unwrap_or_else(|| Value::String(text.to_owned()))
}

fn entry(arn: &str, applies_to: &[String], policy: &str) -> Value {
    json!({"ResourceArn": arn, "AppliesTo": applies_to, "Policy": document(policy)})
}

fn strings<'v>(
    v: &'v serde_json::Map<String, Value>,
    key: &str,
    field: Option<&str>,
) -> Vec<&'v str> {
    v.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| match field {
            Some(f) => e.get(f).and_then(Value::as_str),
            None => e.as_str(),
        })
        .collect()
}

/// Collects every resource policy into the account's `ResourcePolicies`.
pub async fn collect(run: &mut Run<'_>) {
    let mut out = Vec::new();
    let regions: Vec<Option<String>> = if run.shared.options.regions.is_empty() {
        vec![None]
    } else {
        run.shared
            .options
            .regions
            .iter()
            .cloned()
            .map(Some)
            .collect()
    };
    // Every service at once, region after region; the results in a fixed order.
    let mut s3_run = run.fork();
    let mut s3_out = Vec::new();
    let s3_done = s3(&mut s3_run, &mut s3_out);
    let regional = async {
        let mut forks = Vec::new();
        for region in &regions {
            let r = region.as_deref();
            let mut f: [Run<'_>; 5] = std::array::from_fn(|_| run.fork());
            let mut o: [Vec<Value>; 5] = Default::default();
            let [f0, f1, f2, f3, f4] = &mut f;
            let [o0, o1, o2, o3, o4] = &mut o;
            tokio::join!(
                kms(f0, r, o0),
                sqs(f1, r, o1),
                sns(f2, r, o2),
                lambda(f3, r, o3),
                secrets(f4, r, o4)
            );
            forks.extend(f.into_iter().zip(o));
        }
        forks
    };
    let ((), forks) = tokio::join!(s3_done, regional);
    run.absorb(s3_run);
    out.append(&mut s3_out);
    for (f, mut o) in forks {
        run.absorb(f);
        out.append(&mut o);
    }
    run.out
        .data
        .insert("ResourcePolicies".into(), Value::Array(out));
}

/// Runs a call whose "no policy here" error is expected; `None` for that or for a recorded
/// failure.
async fn policy_call(
    run: &mut Run<'_>,
    region: Option<&str>,
    args: &[&str],
    no_policy: &[&str],
) -> Option<serde_json::Map<String, Value>> {
    run.call_tolerating(PART, region, args, no_policy).await
}

async fn s3(run: &mut Run<'_>, out: &mut Vec<Value>) {
    let Some(v) = run.call(PART, None, &["s3api", "list-buckets"]).await else {
        return;
    };
    let partition = run.partition().to_owned();
    let buckets: Vec<String> = strings(&v, "Buckets", Some("Name"))
        .into_iter()
        .map(str::to_owned)
        .collect();
    for b in buckets {
        if let Some(p) = policy_call(
            run,
            None,
            &["s3api", "get-bucket-policy", "--bucket", &b],
            &["NoSuchBucketPolicy"],
        )
        .await
            && let Some(text) = p.get("Policy").and_then(Value::as_str)
        {
            let arn = format!("arn:{partition}:s3:::{b}");
            out.push(entry(&arn, &[arn.clone(), format!("{arn}/*")], text));
        }
    }
}

async fn kms(run: &mut Run<'_>, region: Option<&str>, out: &mut Vec<Value>) {
    let Some(pages) = run
        .paged(PART, region, &["kms", "list-keys"], &["Keys"])
        .await
    else {
        return;
    };
    let keys: Vec<(String, String)> = pages
        .list("Keys")
        .iter()
        .filter_map(|k| {
            Some((
                k.get("KeyId")?.as_str()?.to_owned(),
                k.get("KeyArn")?.as_str()?.to_owned(),
            ))
        })
        .collect();
    for (id, arn) in keys {
        if let Some(p) = policy_call(
            run,
            region,
            &[
                "kms",
                "get-key-policy",
                "--key-id",
                &id,
                "--policy-name",
                "default",
            ],
            &[],
        )
        .await
            && let Some(text) = p.get("Policy").and_then(Value::as_str)
        {
            out.push(entry(&arn, std::slice::from_ref(&arn), text));
        }
    }
}

async fn sqs(run: &mut Run<'_>, region: Option<&str>, out: &mut Vec<Value>) {
    let Some(pages) = run
        .paged(PART, region, &["sqs", "list-queues"], &["QueueUrls"])
        .await
    else {
        return;
    };
    let urls: Vec<String> = pages
        .list("QueueUrls")
        .iter()
        .filter_map(|u| u.as_str().map(str::to_owned))
        .collect();
    for url in urls {
        if let Some(a) = policy_call(
            run,
            region,
            &[
                "sqs",
                "get-queue-attributes",
                "--queue-url",
                &url,
                "--attribute-names",
                "Policy",
                "QueueArn",
            ],
            &[
                "AWS.SimpleQueueService.NonExistentQueue",
                "QueueDoesNotExist",
            ],
        )
        .await
        {
            let attrs = a.get("Attributes");
            let get = |k: &str| attrs.and_then(|x| x.get(k)).and_then(Value::as_str);
            if let (Some(arn), Some(text)) = (get("QueueArn"), get("Policy")) {
                out.push(entry(arn, &[arn.to_owned()], text));
            }
        }
    }
}

async fn sns(run: &mut Run<'_>, region: Option<&str>, out: &mut Vec<Value>) {
    let Some(pages) = run
        .paged(PART, region, &["sns", "list-topics"], &["Topics"])
        .await
    else {
        return;
    };
    let arns: Vec<String> = pages
        .list("Topics")
        .iter()
        .filter_map(|t| t.get("TopicArn").and_then(Value::as_str).map(str::to_owned))
        .collect();
    for arn in arns {
        if let Some(a) = policy_call(
            run,
            region,
            &["sns", "get-topic-attributes", "--topic-arn", &arn],
            &["NotFound"],
        )
        .await
            && let Some(text) = a
                .get("Attributes")
                .and_then(|x| x.get("Policy"))
                .and_then(Value::as_str)
        {
            out.push(entry(&arn, std::slice::from_ref(&arn), text));
        }
    }
}

async fn lambda(run: &mut Run<'_>, region: Option<&str>, out: &mut Vec<Value>) {
    let Some(pages) = run
        .paged(PART, region, &["lambda", "list-functions"], &["Functions"])
        .await
    else {
        return;
    };
    let arns: Vec<String> = pages
        .list("Functions")
        .iter()
        .filter_map(|f| {
            f.get("FunctionArn")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect();
    for arn in arns {
        if let Some(p) = policy_call(
            run,
            region,
            &["lambda", "get-policy", "--function-name", &arn],
            &["ResourceNotFoundException"],
        )
        .await
            && let Some(text) = p.get("Policy").and_then(Value::as_str)
        {
            out.push(entry(&arn, &[arn.clone(), format!("{arn}:*")], text));
        }
    }
}

async fn secrets(run: &mut Run<'_>, region: Option<&str>, out: &mut Vec<Value>) {
    let Some(pages) = run
        .paged(
            PART,
            region,
            &["secretsmanager", "list-secrets"],
            &["SecretList"],
        )
        .await
    else {
        return;
    };
    let arns: Vec<String> = pages
        .list("SecretList")
        .iter()
        .filter_map(|s| s.get("ARN").and_then(Value::as_str).map(str::to_owned))
        .collect();
    for arn in arns {
        if let Some(p) = policy_call(
            run,
            region,
            &["secretsmanager", "get-resource-policy", "--secret-id", &arn],
            &["ResourceNotFoundException"],
        )
        .await
            && let Some(text) = p.get("ResourcePolicy").and_then(Value::as_str)
        {
            out.push(entry(&arn, std::slice::from_ref(&arn), text));
        }
    }
}

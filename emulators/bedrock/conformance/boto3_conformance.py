"""Drives the local Bedrock emulator with AWS's own Python SDK (boto3/botocore): if botocore's SigV4 signer,
restJson1 and awsQuery (de)serialisers and event-stream parser accept the emulator, the wire protocol is faithful.
Usage: python3 boto3_conformance.py http://127.0.0.1:5005   (prints one line per check; exit 1 on failure)
The emulator must refuse the role arn:aws:iam::444455556666:role/denied (Emulator:Sts:DeniedRoleArns)."""
import datetime
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, EventStreamError

ENDPOINT = sys.argv[1]
ACCESS_KEY, SECRET_KEY, REGION = "BNPLOCALTESTACCESSKEY", "bnp-local-test-secret-not-a-real-key", "us-east-1"
failures = []


def client(secret=SECRET_KEY, service="bedrock-runtime", access_key=ACCESS_KEY, token=None):
    return boto3.client(service, endpoint_url=ENDPOINT, region_name=REGION,
                        aws_access_key_id=access_key, aws_secret_access_key=secret, aws_session_token=token,
                        config=Config(retries={"max_attempts": 1}))


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else f": {detail}"))
    if not condition:
        failures.append(name)


def user(text):
    return [{"role": "user", "content": [{"text": text}]}]


bedrock = client()

r = bedrock.converse(modelId="amazon.nova-lite-v1:0", messages=user("hello there"),
                     inferenceConfig={"maxTokens": 50, "temperature": 0.5})
check("converse text", r["output"]["message"]["content"][0]["text"] == "You said: hello there", r)
check("converse usage", r["usage"]["outputTokens"] == 5 and r["stopReason"] == "end_turn", r["usage"])

arn = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0"
r = bedrock.converse(modelId=arn, messages=user("via an ARN"))
check("converse with an ARN model id (double-encoded signature path)", r["stopReason"] == "end_turn", r)

tools = {"tools": [{"toolSpec": {"name": "get_weather", "description": "Weather",
                                 "inputSchema": {"json": {"type": "object", "properties": {"city": {"type": "string"}},
                                                          "required": ["city"]}}}}]}
r = bedrock.converse(modelId="us.amazon.nova-pro-v1:0", messages=user("call get_weather city=Paris"), toolConfig=tools)
use = r["output"]["message"]["content"][0]["toolUse"]
check("converse tool use", r["stopReason"] == "tool_use" and use["input"] == {"city": "Paris"}, r)

r = bedrock.converse_stream(modelId="amazon.nova-micro-v1:0", messages=user("stream me"))
events = list(r["stream"])
kinds = [next(iter(e)) for e in events]
text = "".join(e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e)
check("converse_stream order", kinds[0] == "messageStart" and kinds[-2:] == ["messageStop", "metadata"], kinds)
check("converse_stream text", text == "You said: stream me", text)

r = bedrock.converse_stream(modelId="us.amazon.nova-pro-v1:0", messages=user("call get_weather city=Oslo"), toolConfig=tools)
events = list(r["stream"])
args = "".join(e["contentBlockDelta"]["delta"]["toolUse"]["input"] for e in events if "contentBlockDelta" in e)
check("converse_stream tool input fragments", json.loads(args) == {"city": "Oslo"}, args)

try:
    list(bedrock.converse_stream(modelId="amazon.nova-lite-v1:0", messages=user("[[fault:midstream-throttle]] go"))["stream"])
    check("mid-stream exception", False, "no error")
except EventStreamError as e:
    check("mid-stream exception", e.response["Error"]["Code"] == "throttlingException", e.response)

for marker, code in [("throttle", "ThrottlingException"), ("model-timeout", "ModelTimeoutException"),
                     ("unavailable", "ServiceUnavailableException"), ("model-error", "ModelErrorException")]:
    try:
        bedrock.converse(modelId="amazon.nova-lite-v1:0", messages=user(f"[[fault:{marker}]]"))
        check(f"fault {marker}", False, "no error")
    except ClientError as e:
        check(f"fault {marker}", e.response["Error"]["Code"] == code, e.response["Error"])

try:
    bedrock.converse(modelId="amazon.nova-lite-v1:0", messages=[{"role": "assistant", "content": [{"text": "hi"}]}])
    check("validation", False, "no error")
except ClientError as e:
    check("validation", e.response["Error"]["Code"] == "ValidationException"
          and "must start with a user message" in e.response["Error"]["Message"], e.response["Error"])

try:
    client(secret="wrong").converse(modelId="amazon.nova-lite-v1:0", messages=user("hi"))
    check("bad signature rejected", False, "no error")
except ClientError as e:
    check("bad signature rejected", e.response["Error"]["Code"] == "InvalidSignatureException"
          and e.response["ResponseMetadata"]["HTTPStatusCode"] == 403, e.response["Error"])

r = bedrock.invoke_model(modelId="amazon.titan-embed-text-v2:0", contentType="application/json", accept="application/json",
                         body=json.dumps({"inputText": "embed me", "dimensions": 256}))
body = json.loads(r["body"].read())
norm = sum(v * v for v in body["embedding"]) ** 0.5
check("invoke_model titan embedding", len(body["embedding"]) == 256 and abs(norm - 1) < 1e-3 and body["inputTextTokenCount"] == 2, body.keys())

# STS (awsQuery protocol): the credentials AssumeRole issues sign Bedrock calls; refusals come back as botocore expects.
ROLE, DENIED = "arn:aws:iam::444455556666:role/bedrock-access", "arn:aws:iam::444455556666:role/denied"
sts = client(service="sts")
r = sts.assume_role(RoleArn=ROLE, RoleSessionName="conformance", ExternalId="acme-7f3a", DurationSeconds=900)
creds = r["Credentials"]
check("sts assume_role", creds["AccessKeyId"].startswith("ASIA") and isinstance(creds["Expiration"], datetime.datetime)
      and r["AssumedRoleUser"]["Arn"] == "arn:aws:sts::444455556666:assumed-role/bedrock-access/conformance", r)
assumed = client(access_key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["SessionToken"])
r = assumed.converse(modelId="amazon.nova-lite-v1:0", messages=user("as the role"))
check("converse with assumed-role credentials", r["output"]["message"]["content"][0]["text"] == "You said: as the role", r)
r = client(service="sts", access_key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["SessionToken"]).get_caller_identity()
check("sts get_caller_identity of the session", r["Arn"] == "arn:aws:sts::444455556666:assumed-role/bedrock-access/conformance"
      and r["Account"] == "444455556666", r)

for name, call, code, status in [
    ("sts refused role", lambda: sts.assume_role(RoleArn=DENIED, RoleSessionName="conformance"), "AccessDenied", 403),
    ("sts duration over the role's maximum", lambda: sts.assume_role(RoleArn=ROLE, RoleSessionName="conformance", DurationSeconds=7200), "ValidationError", 400),
    ("sts session name pattern", lambda: sts.assume_role(RoleArn=ROLE, RoleSessionName="has space"), "ValidationError", 400),
    ("sts bad signature", lambda: client(service="sts", secret="wrong").assume_role(RoleArn=ROLE, RoleSessionName="conformance"), "SignatureDoesNotMatch", 403),
    ("sts unknown key", lambda: client(service="sts", access_key="AKIAUNKNOWN").get_caller_identity(), "InvalidClientTokenId", 403),
    ("converse with a wrong session token", lambda: client(access_key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token="wrong")
        .converse(modelId="amazon.nova-lite-v1:0", messages=user("hi")), "UnrecognizedClientException", 403),
]:
    try:
        call()
        check(name, False, "no error")
    except ClientError as e:
        check(name, e.response["Error"]["Code"] == code and e.response["ResponseMetadata"]["HTTPStatusCode"] == status
              and e.response["Error"]["Message"], e.response)
try:
    sts.assume_role(RoleArn=DENIED, RoleSessionName="conformance")
except ClientError as e:
    check("sts AccessDenied message names the caller and the role", e.response["Error"]["Message"] ==
          f"User: arn:aws:iam::111122223333:user/bnp-local is not authorized to perform: sts:AssumeRole on resource: {DENIED}", e.response["Error"])

sys.exit(1 if failures else 0)

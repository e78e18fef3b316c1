#!/usr/bin/env bash
# Tests scripts/deploy.sh without AWS: fake aws, docker and kubectl commands record every call and answer the few
# questions the script asks (stack parameters and outputs, an image manifest). Checks the calls a green deploy, a
# promotion and a rollback make for each kind of deployment. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/artifacts/lambda/x64" "$work/artifacts/lambda/arm64" "$work/artifacts/image"
log="$work/calls.log"

cat > "$work/bin/aws" <<'FAKE'
#!/usr/bin/env bash
echo "aws $*" >> "$CALLS"
case "$*" in
  *"describe-stacks"*"Parameters[?ParameterKey=='ProdVersion']"*) echo "${FAKE_PROD_VERSION:-None}" ;;
  *"describe-stacks"*"Parameters[?ParameterKey=='ProdImageTag']"*) echo "${FAKE_PROD_TAG:-None}" ;;
  *"describe-stacks --stack-name bnp-globex"*"Parameters[].ParameterKey"*) printf 'ImageTag\tProdImageTag\n' ;;
  *"describe-stacks"*"Parameters[].ParameterKey"*) printf 'ArtifactBucket\tArtifactKey\tArtifactSha256\tProdVersion\n' ;;
  *"describe-stacks"*"OutputKey=='GreenVersion'"*) echo 7 ;;
  *"describe-stacks"*"OutputKey=='ContainerGreenImageTag'"*) echo abc123 ;;
  *"describe-stacks"*"OutputKey=='ApiGreenEndpoint'"*) echo "https://api.example/green" ;;
  *"ecr get-login-password"*) echo token ;;
  *"ecr batch-get-image"*) echo '{"schemaVersion":2}' ;;
esac
FAKE
cat > "$work/bin/docker" <<'FAKE'
#!/usr/bin/env bash
echo "docker $*" >> "$CALLS"
# As the real one does, `login --password-stdin` reads its input (else the writer would die of a broken pipe).
if [ "$1" = login ]; then cat > /dev/null; fi
if [ "$1" = load ]; then echo "Loaded image: bedrock-nova-proxy:abc123"; fi
FAKE
cat > "$work/bin/kubectl" <<'FAKE'
#!/usr/bin/env bash
echo "kubectl $*" >> "$CALLS"
case "$*" in *jsonpath*) echo abc123 ;; esac
FAKE
chmod +x "$work/bin/"*
echo '{"bootstrap.zip":{"codeSha256":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}}' > "$work/artifacts/lambda/x64/artifacts.json"
cp "$work/artifacts/lambda/x64/artifacts.json" "$work/artifacts/lambda/arm64/artifacts.json"
touch "$work/artifacts/lambda/x64/bootstrap.zip" "$work/artifacts/lambda/arm64/bootstrap.zip" "$work/artifacts/image/image.tar.gz"

failures=0
run() { : > "$log"; PATH="$work/bin:$PATH" CALLS="$log" VERSION=abc123 ARTIFACTS="$work/artifacts" scripts/deploy.sh "$@" > "$work/out.txt"; }
expect() {
  if ! grep -qF -- "$1" "$log" "$work/out.txt"; then
    echo "FAIL: $2: expected a call with: $1"; sed 's/^/    /' "$log"; failures=$((failures + 1))
  fi
}
refuse() {
  if grep -qF -- "$1" "$log"; then echo "FAIL: $2: unexpected: $1"; failures=$((failures + 1)); fi
}

FAKE_PROD_VERSION=5 run green acme staging
expect "aws s3 cp --only-show-errors $work/artifacts/lambda/x64/bootstrap.zip s3://bnp-artifacts-123456789012-us-east-1/bedrock-nova-proxy/abc123/x64/bootstrap.zip" "serverless green uploads the package"
expect "cloudformation deploy --stack-name bnp-acme-staging --template-file out/acme/staging/stack.yaml" "serverless green deploys the render"
expect "ArtifactBucket=bnp-artifacts-123456789012-us-east-1 ArtifactKey=bedrock-nova-proxy/abc123/x64/bootstrap.zip ArtifactSha256=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= ProdVersion=5" "green keeps prod's version"
expect "--tags customer=acme environment=staging managed-by=bedrock-nova-proxy-gitops cost-center=ai-platform commit=abc123" "the stack is tagged"

run green acme prod
expect "s3://bnp-artifacts-123456789012-us-east-1/bedrock-nova-proxy/abc123/arm64/bootstrap.zip" "an arm64 function gets the arm64 package"
expect "ProdVersion= " "a new stack has no prod yet"

run promote acme prod
expect "update-stack --stack-name bnp-acme-prod --use-previous-template" "promotion keeps the template"
expect "ParameterKey=ProdVersion,ParameterValue=7" "promotion serves green's version"
expect "ParameterKey=ArtifactKey,UsePreviousValue=true" "promotion keeps green's artifact"
refuse "cloudformation deploy" "promotion does not redeploy"

run promote acme prod 4
expect "ParameterKey=ProdVersion,ParameterValue=4" "a rollback promotes the version given"

FAKE_PROD_TAG=old run green globex staging
expect "docker push --quiet 210987654321.dkr.ecr.eu-west-1.amazonaws.com/bedrock-nova-proxy:abc123" "container green pushes the image"
expect "ImageTag=abc123 ProdImageTag=old" "container green keeps prod's image"

run promote globex prod
expect "ParameterKey=ProdImageTag,ParameterValue=abc123" "container promotion serves green's image"

run green umbrella prod
expect "kubectl apply -f out/umbrella/prod/k8s/manifests.yaml" "eks green applies the manifests"
expect "docker push --quiet 567890123456.dkr.ecr.ap-northeast-1.amazonaws.com/bedrock-nova-proxy:green" "eks green moves the green tag"
expect "rollout restart deployment/bedrock-nova-proxy-green" "eks green restarts green only"
refuse "bedrock-nova-proxy-prod" "eks green leaves prod alone"

run promote umbrella prod
expect "aws ecr put-image --repository-name bedrock-nova-proxy --image-tag prod" "eks promotion moves the prod tag"
expect "rollout restart deployment/bedrock-nova-proxy-prod" "eks promotion restarts prod"

run endpoint acme staging green
expect "https://api.example/green" "the green endpoint comes from the stack outputs"

if PATH="$work/bin:$PATH" CALLS="$log" scripts/deploy.sh green nobody prod 2>/dev/null; then
  echo "FAIL: an unknown environment must be refused"; failures=$((failures + 1))
fi

[ "$failures" -eq 0 ] || { echo "$failures deploy check(s) failed"; exit 1; }
echo "deploy.sh: every check passed"

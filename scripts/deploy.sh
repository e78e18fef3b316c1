#!/usr/bin/env bash
# Deploys one customer environment from its committed render (out/<customer>/<environment>/), blue/green:
#
#   scripts/deploy.sh green    <customer> <environment>            this commit's artifact to the green stage
#   scripts/deploy.sh promote  <customer> <environment> [version]  prod serves green's version (or the one given:
#                                                                  a rollback is a promotion of an older version)
#   scripts/deploy.sh endpoint <customer> <environment> green|prod the stage's base URL, for smoke tests and the gate
#   scripts/deploy.sh outputs  <customer> <environment>            the stack's outputs, KEY=VALUE per line
#   scripts/deploy.sh drift    <customer> <environment>            drift detection of the stack, as Markdown
#
# Versions: a Lambda version number (serverless, hybrid) or an image tag (container, eks, hybrid's service).
# Environment: VERSION (the artifact's name, default $GITHUB_SHA), ARTIFACTS (default artifacts: lambda/<arch>/ from
# scripts/package-lambda.sh, image/image.tar.gz from scripts/package-image.sh). AWS credentials come from the caller
# (the workflow's OIDC role). The stack's parameters other than the ones named here keep their deployed values, so
# a green deploy never moves prod and a promotion never changes the code green runs.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,10p' "$0" >&2; exit 2; }
[ $# -ge 3 ] || usage
action="$1" customer="$2" environment="$3"
dir="out/$customer/$environment"
[ -f "$dir/deploy.json" ] || { echo "deploy: no render in $dir (run: dotnet run --project gitops -- render)" >&2; exit 2; }

fact() { jq -r "$1 // empty" "$dir/deploy.json"; }
stack="$(fact .stack)"
region="$(fact .region)"
type="$(fact .type)"
version="${VERSION:-${GITHUB_SHA:-}}"
artifacts="${ARTIFACTS:-artifacts}"
export AWS_REGION="$region" AWS_DEFAULT_REGION="$region"

output() { # the value of one stack output, empty when absent
  aws cloudformation describe-stacks --stack-name "$stack" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue | [0]" --output text 2>/dev/null | sed 's/^None$//'
}

parameter() { # the deployed value of one stack parameter, empty when absent or the stack is new
  aws cloudformation describe-stacks --stack-name "$stack" \
    --query "Stacks[0].Parameters[?ParameterKey=='$1'].ParameterValue | [0]" --output text 2>/dev/null | sed 's/^None$//'
}

ecr_push() { # load the image archive and push it as <repository>:<tag> (and extra tags)
  local repository="$1"; shift
  local registry="${repository%%/*}"
  aws ecr get-login-password | docker login --username AWS --password-stdin "$registry" >/dev/null
  local loaded
  # The first image the archive holds; no `head`, whose early exit would break the pipe under pipefail.
  loaded="$(docker load --input "$artifacts/image/image.tar.gz" | sed -n 's/^Loaded image: //p')"
  loaded="${loaded%%$'\n'*}"
  for tag in "$@"; do
    docker tag "$loaded" "$repository:$tag"
    docker push --quiet "$repository:$tag"
  done
}

ecr_retag() { # point <repository>:<to> at the image <repository>:<from>, without pulling it
  local repository="$1" from="$2" to="$3" name manifest
  name="${repository#*/}"
  manifest="$(aws ecr batch-get-image --repository-name "$name" --image-ids imageTag="$from" --query 'images[0].imageManifest' --output text)"
  if [ -z "$manifest" ] || [ "$manifest" = "None" ]; then echo "deploy: no image $repository:$from" >&2; exit 1; fi
  aws ecr put-image --repository-name "$name" --image-tag "$to" --image-manifest "$manifest" >/dev/null 2>&1 ||
    echo "deploy: $repository:$to already points there"
}

deploy_stack() { # aws cloudformation deploy of the render, with parameters.json and the overrides given
  local overrides=()
  mapfile -t overrides < <(jq -r '.[] | "\(.ParameterKey)=\(.ParameterValue)"' "$dir/parameters.json")
  local tags=()
  mapfile -t tags < <(jq -r '.tags | to_entries[] | "\(.key)=\(.value)"' "$dir/deploy.json")
  local bucket
  bucket="$(fact .lambda.bucket)"
  overrides+=("$@")
  local args=(--stack-name "$stack" --template-file "$dir/stack.yaml" --capabilities CAPABILITY_NAMED_IAM --no-fail-on-empty-changeset)
  # Templates over CloudFormation's 51,200-byte inline limit go through the artifact bucket.
  if [ -n "$bucket" ]; then args+=(--s3-bucket "$bucket" --s3-prefix "templates/$stack"); fi
  if [ ${#overrides[@]} -gt 0 ]; then args+=(--parameter-overrides "${overrides[@]}"); fi
  aws cloudformation deploy "${args[@]}" --tags "${tags[@]}" "commit=${version:-unknown}"
}

update_parameters() { # change only the named parameters (KEY=VALUE...), keep the template and every other value
  local keys=() args=() key
  mapfile -t keys < <(aws cloudformation describe-stacks --stack-name "$stack" --query 'Stacks[0].Parameters[].ParameterKey' --output text | tr '\t' '\n')
  for key in "${keys[@]}"; do
    local value="" given=0 pair
    for pair in "$@"; do
      if [ "${pair%%=*}" = "$key" ]; then value="${pair#*=}"; given=1; fi
    done
    if [ "$given" = 1 ]; then args+=("ParameterKey=$key,ParameterValue=$value"); else args+=("ParameterKey=$key,UsePreviousValue=true"); fi
  done
  aws cloudformation update-stack --stack-name "$stack" --use-previous-template --capabilities CAPABILITY_NAMED_IAM --parameters "${args[@]}"
  aws cloudformation wait stack-update-complete --stack-name "$stack"
}

green() {
  [ -n "$version" ] || { echo "deploy: set VERSION (or GITHUB_SHA) to name the artifact" >&2; exit 2; }
  local overrides=()
  if [ "$type" = serverless ] || [ "$type" = hybrid ]; then
    local bucket package arch key sha
    bucket="$(fact .lambda.bucket)" package="$(fact .lambda.package)" arch="$(fact .lambda.architecture)"
    key="bedrock-nova-proxy/$version/$arch/$package"
    sha="$(jq -r --arg p "$package" '.[$p].codeSha256' "$artifacts/lambda/$arch/artifacts.json")"
    aws s3 cp --only-show-errors "$artifacts/lambda/$arch/$package" "s3://$bucket/$key"
    overrides+=("ArtifactKey=$key" "ArtifactSha256=$sha" "ProdVersion=$(parameter ProdVersion)")
  fi

  if [ "$type" = container ] || [ "$type" = hybrid ]; then
    ecr_push "$(fact .container.repository)" "$version"
    overrides+=("ImageTag=$version" "ProdImageTag=$(parameter ProdImageTag)")
  fi

  deploy_stack "${overrides[@]}"

  if [ "$type" = eks ]; then
    local repository namespace
    repository="$(fact .eks.repository)" namespace="$(fact .eks.namespace)"
    ecr_push "$repository" "$version" green
    aws eks update-kubeconfig --name "$(fact .eks.cluster)" >/dev/null
    kubectl apply -f "$dir/k8s/manifests.yaml"
    kubectl -n "$namespace" annotate deployment/bedrock-nova-proxy-green --overwrite "bnp-version=$version"
    kubectl -n "$namespace" rollout restart deployment/bedrock-nova-proxy-green
    kubectl -n "$namespace" rollout status deployment/bedrock-nova-proxy-green --timeout 10m
  fi
}

promote() {
  local wanted="${1:-}"
  if [ "$type" = serverless ] || [ "$type" = hybrid ] || [ "$type" = container ]; then
    local pairs=()
    if [ "$type" != container ]; then pairs+=("ProdVersion=${wanted:-$(output GreenVersion)}"); fi
    if [ "$type" != serverless ]; then pairs+=("ProdImageTag=${wanted:-$(output ContainerGreenImageTag)}"); fi
    update_parameters "${pairs[@]}"
  else
    local repository namespace from
    repository="$(fact .eks.repository)" namespace="$(fact .eks.namespace)"
    aws eks update-kubeconfig --name "$(fact .eks.cluster)" >/dev/null
    from="${wanted:-$(kubectl -n "$namespace" get deployment/bedrock-nova-proxy-green -o jsonpath='{.metadata.annotations.bnp-version}')}"
    ecr_retag "$repository" "$from" prod
    kubectl -n "$namespace" annotate deployment/bedrock-nova-proxy-prod --overwrite "bnp-version=$from"
    kubectl -n "$namespace" rollout restart deployment/bedrock-nova-proxy-prod
    kubectl -n "$namespace" rollout status deployment/bedrock-nova-proxy-prod --timeout 10m
  fi
}

endpoint() {
  local stage="$1"
  case "$type" in
    serverless|hybrid) output "$([ "$stage" = green ] && echo ApiGreenEndpoint || echo ApiProdEndpoint)" ;;
    container) output "$([ "$stage" = green ] && echo ContainerGreenEndpoint || echo ContainerProdEndpoint)" ;;
    eks)
      # The Service is inside the cluster: reach it through a port-forward that lives as long as the job.
      local port=18080
      [ "$stage" = prod ] && port=18081
      aws eks update-kubeconfig --name "$(fact .eks.cluster)" >/dev/null
      nohup kubectl -n "$(fact .eks.namespace)" port-forward "service/bedrock-nova-proxy-$stage" "$port:80" >/dev/null 2>&1 &
      kubectl -n "$(fact .eks.namespace)" rollout status "deployment/bedrock-nova-proxy-$stage" --timeout 5m >/dev/null
      # The forward takes a moment to listen: wait for it to answer /health before handing out the URL.
      curl --silent --output /dev/null --retry 30 --retry-connrefused --retry-delay 1 "http://127.0.0.1:$port/health" >&2 || true
      echo "http://127.0.0.1:$port"
      ;;
  esac
}

drift() {
  local id status
  id="$(aws cloudformation detect-stack-drift --stack-name "$stack" --query StackDriftDetectionId --output text)"
  while status="$(aws cloudformation describe-stack-drift-detection-status --stack-drift-detection-id "$id" --query DetectionStatus --output text)"; [ "$status" = DETECTION_IN_PROGRESS ]; do
    sleep 5 # AWS offers no wait command for drift detection
  done
  echo "### Drift of $stack ($region): $(aws cloudformation describe-stack-drift-detection-status --stack-drift-detection-id "$id" --query StackDriftStatus --output text)"
  aws cloudformation describe-stack-resource-drifts --stack-name "$stack" --stack-resource-drift-status-filters MODIFIED DELETED \
    --query 'StackResourceDrifts[].[LogicalResourceId,ResourceType,StackResourceDriftStatus]' --output text |
    awk -F'\t' 'BEGIN { print "| Resource | Type | Drift |"; print "|---|---|---|" } { print "| " $1 " | " $2 " | " $3 " |" }'
}

case "$action" in
  green) green ;;
  promote) promote "${4:-}" ;;
  endpoint) [ $# -eq 4 ] || usage; endpoint "$4" ;;
  outputs) aws cloudformation describe-stacks --stack-name "$stack" --query 'Stacks[0].Outputs[].[OutputKey,OutputValue]' --output text | tr '\t' '=' ;;
  drift) drift ;;
  *) usage ;;
esac

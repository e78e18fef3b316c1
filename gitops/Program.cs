using System.CommandLine;
using BedrockNovaProxy.Aws;
using BedrockNovaProxy.GitOps.Commands;

// gitops: the commands the GitHub workflows call, each one also runnable on a laptop. Exit codes (every command):
// 0 success, 1 the check failed (invalid file, broken render, difference, failed smoke test, refused AWS call or key
// edit...), 2 unusable arguments.
// Messages quote the customer's own text (names, descriptions) as written, whatever the terminal's default code page.
Console.OutputEncoding = System.Text.Encoding.UTF8;
var repo = Repository.Find();
var today = DateOnly.FromDateTime(DateTime.UtcNow);

var paths = new Argument<string[]>("paths") { Description = "Customer files or folders (default: customers/).", Arity = ArgumentArity.ZeroOrMore };
var format = new Option<string>("--format") { Description = "text, json (for machines) or github (annotations on the pull request).", DefaultValueFactory = _ => "text" };
format.AcceptOnlyFromAmong("text", "json", "github");
var strict = new Option<bool>("--warnings-as-errors") { Description = "Fail on warnings too." };
var validate = new Command("validate", "Check customer files against customers/schema.json and the semantic rules.") { paths, format, strict };
validate.SetAction(r => ValidateCommand.Run(repo, r.GetValue(paths) ?? [], r.GetValue(format)!, r.GetValue(strict), Console.Out, Console.Error, today));

var outDir = new Option<string?>("--out") { Description = "Folder of the renders (default: out/)." };
var check = new Option<bool>("--check") { Description = "Write nothing; fail when the committed renders differ from a fresh render." };
var render = new Command("render", "Render customer files through templates/ into out/<customer>/<environment>/.") { paths, outDir, check };
render.SetAction(r => RenderCommand.Run(repo, r.GetValue(paths) ?? [], r.GetValue(outDir), r.GetValue(check), Console.Out, Console.Error, today));

var baseRef = new Option<string>("--base") { Description = "The git revision to compare with (origin/main for a pull request).", Required = true };
var planOutput = new Option<string?>("--output") { Description = "Also write the Markdown to this file." };
var plan = new Command("plan", "Markdown of the changes per customer environment since a git revision.") { baseRef, planOutput };
plan.SetAction(r => PlanCommand.Run(repo, r.GetValue(baseRef)!, r.GetValue(planOutput), Console.Out, Console.Error, today));

var targetsBase = new Option<string?>("--base") { Description = "Only the environments a change since this revision touches (github.event.before)." };
var targetsFormat = new Option<string>("--format") { Description = "json, or github (targets=<json> for $GITHUB_OUTPUT).", DefaultValueFactory = _ => "json" };
targetsFormat.AcceptOnlyFromAmong("json", "github");
var targets = new Command("targets", "The customer environments to deploy, as a JSON list for a workflow matrix.") { targetsBase, targetsFormat };
targets.SetAction(r => TargetsCommand.Run(repo, r.GetValue(targetsBase), r.GetValue(targetsFormat)!, Console.Out, Console.Error, today));

var endpoint = new Option<string>("--endpoint") { Description = "Base URL of the deployed stage (green or prod), e.g. https://api.example.com/green.", Required = true };
var smokeConfig = new Option<string?>("--config") { Description = "The customer file: /v1/models must list each alias it maps; its chat and embedding aliases are called." };
var smokeModels = new Option<string?>("--models") { Description = "Aliases to expect instead of the file's, comma-separated (the first chat alias is called)." };
var timeout = new Option<string>("--timeout") { Description = "Time allowed for each check (500ms, 30s, 2m).", DefaultValueFactory = _ => "30s" };
var smokeSummary = new Option<string?>("--summary") { Description = "Write the Markdown report here (default: append to $GITHUB_STEP_SUMMARY when set)." };
var keyVariable = new Option<string>("--api-key-env") { Description = "The environment variable that holds the API key (it is never printed).", DefaultValueFactory = _ => SmokeCommand.DefaultKeyVariable };
var smoke = new Command("smoke", "Deployment test of a stage: health, models, chat, streaming, embeddings, a refused key, a malformed request.")
    { endpoint, smokeConfig, smokeModels, timeout, smokeSummary, keyVariable };
smoke.SetAction((r, ct) => SmokeCommand.RunAsync(repo,
    new SmokeCommand.Arguments(r.GetValue(endpoint)!, r.GetValue(smokeConfig), r.GetValue(smokeModels), r.GetValue(timeout)!, r.GetValue(smokeSummary), r.GetValue(keyVariable)!),
    Environment.GetEnvironmentVariable, Console.Out, Console.Error, TimeProvider.System, today, ct));

var costConfig = new Option<string>("--config") { Description = "The customer file (its account, Region, deployment type and metrics namespace).", Required = true };
var days = new Option<int>("--days") { Description = "Whole days to look back, up to today (UTC).", DefaultValueFactory = _ => 30 };
var threshold = new Option<decimal>("--threshold") { Description = "Monthly spend (USD) above which the report says so.", DefaultValueFactory = _ => BedrockNovaProxy.GitOps.Cost.CostAdvice.DefaultMonthlyThreshold };
var ceEndpoint = new Option<string?>("--ce-endpoint") { Description = "Cost Explorer endpoint (default https://ce.us-east-1.amazonaws.com/)." };
var cloudwatchEndpoint = new Option<string?>("--cloudwatch-endpoint") { Description = "CloudWatch endpoint (default https://monitoring.<region>.amazonaws.com/)." };
var costSummary = new Option<string?>("--summary") { Description = "Write the Markdown report here (default: append to $GITHUB_STEP_SUMMARY when set)." };
var cost = new Command("cost", "Spend over the last days: billed per service (Cost Explorer), estimated per stage and model alias (the proxy's metrics), and advice.")
    { costConfig, days, threshold, ceEndpoint, cloudwatchEndpoint, costSummary };
cost.SetAction((r, ct) => CostCommand.RunAsync(repo,
    new CostCommand.Arguments(r.GetValue(costConfig)!, r.GetValue(days), r.GetValue(ceEndpoint), r.GetValue(cloudwatchEndpoint), r.GetValue(costSummary), r.GetValue(threshold)),
    new DefaultAwsCredentialSource(), Environment.GetEnvironmentVariable, Console.Out, Console.Error, TimeProvider.System, ct));

var usageConfig = new Option<string>("--config") { Description = "The customer file (its Region and limits table).", Required = true };
var usageDays = new Option<int>("--days") { Description = "UTC days to show, today included.", DefaultValueFactory = _ => 7 };
var usageEndpoint = new Option<string?>("--endpoint") { Description = "DynamoDB endpoint (default https://dynamodb.<region>.amazonaws.com/)." };
var usageSummary = new Option<string?>("--summary") { Description = "Write the Markdown report here (default: append to $GITHUB_STEP_SUMMARY when set)." };
var usage = new Command("usage", "Usage per key, model alias and day (requests, tokens, estimated cost) from the environment's limits table.")
    { usageConfig, usageDays, usageEndpoint, usageSummary };
usage.SetAction((r, ct) => UsageCommand.RunAsync(repo, r.GetValue(usageConfig)!, r.GetValue(usageDays), r.GetValue(usageEndpoint), r.GetValue(usageSummary),
    new DefaultAwsCredentialSource(), Environment.GetEnvironmentVariable, Console.Out, Console.Error, TimeProvider.System, ct));

Option<string> Customer() => new("--customer") { Description = "The customer file (customers/<customer>/<environment>.yaml).", Required = true };
Option<string> KeyName(string what) => new("--name") { Description = what, Required = true };
var newCustomer = Customer();
var newName = KeyName("The key's name (lower case, digits, . _ -), unique in the file.");
var keyModels = new Option<string?>("--models") { Description = "Aliases the key may use, comma-separated (default: all)." };
var rpm = new Option<int?>("--rpm") { Description = "Requests per minute allowed to the key." };
var tpm = new Option<int?>("--tpm") { Description = "Tokens per minute allowed to the key." };
var keysNew = new Command("new", "Print a new key once and write only its SHA-256 into the file's auth.keys.") { newCustomer, newName, keyModels, rpm, tpm };
keysNew.SetAction(r => KeysCommand.New(repo, r.GetValue(newCustomer)!, r.GetValue(newName)!, r.GetValue(keyModels), r.GetValue(rpm), r.GetValue(tpm), Console.Out, Console.Error, today));
var listCustomer = Customer();
var keysList = new Command("list", "Names, models, limits and hash prefixes of the file's keys (never a key).") { listCustomer };
keysList.SetAction(r => KeysCommand.List(repo, r.GetValue(listCustomer)!, Console.Out, Console.Error, today));
var revokeCustomer = Customer();
var revokeName = KeyName("The key to remove.");
var keysRevoke = new Command("revoke", "Remove one key from the file's auth.keys.") { revokeCustomer, revokeName };
keysRevoke.SetAction(r => KeysCommand.Revoke(repo, r.GetValue(revokeCustomer)!, r.GetValue(revokeName)!, Console.Out, Console.Error, today));
var rotateCustomer = Customer();
var rotateName = KeyName("The key to replace.");
var rotateNew = new Option<string?>("--new-name") { Description = "The new key's name (default: <name>-<today as yyyyMMdd>)." };
var rotateUntil = new Option<DateOnly>("--until") { Description = "The UTC day from which the old key is refused (yyyy-MM-dd).", Required = true };
var keysRotate = new Command("rotate", "A new key beside an old one (same models and limits), printed once; the old one expires on --until.")
    { rotateCustomer, rotateName, rotateNew, rotateUntil };
keysRotate.SetAction(r => KeysCommand.Rotate(repo, r.GetValue(rotateCustomer)!, r.GetValue(rotateName)!, r.GetValue(rotateNew), r.GetValue(rotateUntil),
    Console.Out, Console.Error, today));
var keys = new Command("keys", "API keys of a customer environment: new, list, rotate, revoke.") { keysNew, keysList, keysRotate, keysRevoke };

var scaffoldCustomer = new Option<string?>("--customer") { Description = "Customer name: lower case, digits, hyphens (the folder under customers/)." };
var scaffoldEnv = new Option<string?>("--env") { Description = "dev, staging or prod (the file's name)." };
var scaffoldType = new Option<string?>("--type") { Description = "serverless, container, hybrid or eks." };
var scaffoldRegion = new Option<string?>("--region") { Description = $"AWS Region offering Amazon Nova (default {NewCommand.DefaultRegion})." };
var scaffoldAccount = new Option<string?>("--account-id") { Description = "The 12-digit AWS account of the stack." };
var scaffoldVpc = new Option<string?>("--vpc-id") { Description = "container and hybrid: the VPC of the service." };
var scaffoldSubnets = new Option<string?>("--subnet-ids") { Description = "container and hybrid: two or more subnets in different Availability Zones, comma-separated." };
var scaffoldCluster = new Option<string?>("--cluster") { Description = "eks: the cluster's name (default <customer>-<env>)." };
var scaffoldOidc = new Option<string?>("--oidc-provider") { Description = "eks: the cluster's OIDC provider, oidc.eks.<region>.amazonaws.com/id/<id>." };
var scaffold = new Command("new", "Start a customer file: asks on a terminal for what the flags leave out, writes customers/<customer>/<env>.yaml with a first key (printed once), says what to run next.")
    { scaffoldCustomer, scaffoldEnv, scaffoldType, scaffoldRegion, scaffoldAccount, scaffoldVpc, scaffoldSubnets, scaffoldCluster, scaffoldOidc };
scaffold.SetAction(r => NewCommand.Run(repo,
    new NewCommand.Flags(r.GetValue(scaffoldCustomer), r.GetValue(scaffoldEnv), r.GetValue(scaffoldType), r.GetValue(scaffoldRegion), r.GetValue(scaffoldAccount),
        r.GetValue(scaffoldVpc), r.GetValue(scaffoldSubnets), r.GetValue(scaffoldCluster), r.GetValue(scaffoldOidc)),
    NewCommand.Prompter(Environment.GetEnvironmentVariable), Console.Out, Console.Error, today));

var root = new RootCommand("BedrockNovaProxy GitOps: start a customer file; validate, render and plan customer stacks; pick deploy targets; smoke-test a stage; report its cost and its usage per key; manage its API keys.")
    { scaffold, validate, render, plan, targets, smoke, cost, usage, keys };
return await BedrockNovaProxy.Cli.CommandLine.RunAsync(root, args, "gitops", Repository.Usage);

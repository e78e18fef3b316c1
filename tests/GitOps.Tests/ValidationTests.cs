using BedrockNovaProxy.GitOps.Validation;

namespace BedrockNovaProxy.GitOps.Tests;

/// <summary>Invalid customer files, each a one-line change of a valid one, with the exact finding and its position.</summary>
public class ValidationTests
{
    internal const string File = "customers/acme/staging.yaml";

    // A valid file; the line numbers in the cases below refer to it.
    internal const string Valid = """
        # yaml-language-server: $schema=../schema.json
        customer:
          name: "acme"
          environment: "staging"
          region: "us-east-1"
          account_id: "123456789012"
        deployment:
          type: "serverless"
          vpc:
            enabled: true
            vpc_id: "vpc-0a1b2c3d4e5f60718"
            subnet_ids: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
          lambda:
            streaming: true
        security:
          encryption:
            enabled: true
            kms_key_id: "arn:aws:kms:us-east-1:123456789012:key/1f2e3d4c-5b6a-4789-8abc-0123456789ab"
        monitoring:
          cloudwatch:
            log_retention_days: 30
          alerts:
            enabled: true
            sns_topic_arn: "arn:aws:sns:us-east-1:123456789012:alerts"
        models:
          mappings:
            "gpt-4o": "amazon.nova-pro-v1:0"
            "gpt-4o-mini": "amazon.nova-lite-v1:0"
        performance:
          lambda:
            memory_size: 1024
            timeout: 300
            reserved_concurrency: 20
            provisioned_concurrency: 5
          api_gateway:
            throttling:
              rate_limit: 100
              burst_limit: 200
        auth:
          keys:
            - name: "ci"
              sha256: "c4555a2cbf22a713903424961dfdcc0fd766dc9d5fe6ff786743052ca612525d"
              models: ["gpt-4o"]

        """;

    private static readonly Validator Validator = Validator.ForRepository(Repo.Real.Root, Repo.Today);

    [Fact]
    public void The_baseline_is_valid() => Assert.Empty(Validator.Validate(File, Valid).Diagnostics);

    public static TheoryData<string, string, string, int, int, string, string> Cases => new()
    {
        // name, text to find, replacement, line, column, rule, message
        { "unquoted account id", "account_id: \"123456789012\"", "account_id: 123456789012", 6, 15, "schema", "customer.account_id must be a string, not the number 123456789012" },
        { "unknown environment", "environment: \"staging\"", "environment: \"production\"", 4, 16, "schema", "customer.environment is \"production\", not one of \"dev\", \"staging\" or \"prod\"" },
        { "misspelt key", "memory_size:", "memory_sise:", 31, 5, "schema", "performance.lambda has an unknown key 'memory_sise'" },
        { "log retention CloudWatch refuses", "log_retention_days: 30", "log_retention_days: 10", 21, 25, "schema", "monitoring.cloudwatch.log_retention_days is 10, not one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653" },
        { "memory under Lambda's minimum", "memory_size: 1024", "memory_size: 64", 31, 18, "schema", "performance.lambda.memory_size is 64; it must be at least 128" },
        { "timeout over Lambda's maximum", "timeout: 300", "timeout: 1000", 32, 14, "schema", "performance.lambda.timeout is 1000; it must be at most 900" },
        { "alerts without a topic", "    sns_topic_arn: \"arn:aws:sns:us-east-1:123456789012:alerts\"\n", "", 22, 3, "schema", "monitoring.alerts is missing 'sns_topic_arn'" },
        { "VPC without its id", "    vpc_id: \"vpc-0a1b2c3d4e5f60718\"\n", "", 9, 3, "schema", "deployment.vpc is missing 'vpc_id'" },
        { "malformed KMS ARN", "kms_key_id: \"arn:aws:kms:us-east-1:123456789012:key/1f2e3d4c-5b6a-4789-8abc-0123456789ab\"", "kms_key_id: \"alias/my-key\"", 18, 17, "schema", "security.encryption.kms_key_id is \"alias/my-key\", which is not of the expected form" },
        { "no model", "    \"gpt-4o\": \"amazon.nova-pro-v1:0\"\n    \"gpt-4o-mini\": \"amazon.nova-lite-v1:0\"\n", "    {}\n", 27, 5, "schema", "models.mappings needs at least 1 entry" },
        { "a tag", "name: \"acme\"", "name: !Ref acme", 3, 9, "yaml", "Tags such as '!Ref' have no meaning in a customer file; write plain values." },
        // fuzz (ValidationFuzzTests): 200 levels of flow nesting crashed validate (the schema check's JSON reader stops at 64).
        { "a number beyond a double", "memory_size: 1024", "memory_size: 1e400", 31, 18, "yaml", "The number 1e400 is beyond the range of a double" },
        { "nesting far too deep", "region: \"us-east-1\"", "region: " + new string('[', 200) + new string(']', 200), 5, 42, "yaml", "The file nests more than 32 levels deep" },
        { "a duplicate alias", "    \"gpt-4o-mini\": \"amazon.nova-lite-v1:0\"", "    \"gpt-4o-mini\": \"amazon.nova-lite-v1:0\"\n    \"gpt-4o\": \"amazon.nova-micro-v1:0\"", 29, 5, "yaml", "Duplicate key" },
        { "no schema comment", "# yaml-language-server: $schema=../schema.json", "# customer file", 1, 1, "schema-comment", "the first line must name the schema, so editors complete and check the file" },
        { "a Region without Nova", "region: \"us-east-1\"", "region: \"sa-east-1\"", 5, 11, "region", "Amazon Nova is not offered in sa-east-1" },
        { "KMS key of another Region", "kms:us-east-1", "kms:us-west-2", 18, 17, "arn", "KMS key is in us-west-2 but the stack is in us-east-1" },
        { "topic of another Region", "sns:us-east-1", "sns:eu-west-1", 24, 20, "arn", "SNS topic is in eu-west-1 but the stack is in us-east-1" },
        { "one subnet", "[\"subnet-0a1b2c3d4e5f60001\", \"subnet-0a1b2c3d4e5f60002\"]", "[\"subnet-0a1b2c3d4e5f60001\"]", 12, 17, "vpc-subnets", "a VPC deployment needs at least two subnets (in different Availability Zones), got 1" },
        { "an unknown model", "\"amazon.nova-pro-v1:0\"", "\"amazon.nova-ultra-v1:0\"", 27, 15, "unknown-model", "'amazon.nova-ultra-v1:0' for alias 'gpt-4o': 'amazon.nova-ultra-v1:0' is not a known Nova model id, inference profile id or Bedrock model ARN." },
        { "a profile of another geography", "\"amazon.nova-pro-v1:0\"", "\"eu.amazon.nova-pro-v1:0\"", 27, 15, "unknown-model", "'eu.amazon.nova-pro-v1:0' is a eu. inference profile, which cannot be called from us-east-1" },
        { "a model past its end of life", "\"amazon.nova-pro-v1:0\"", "\"amazon.nova-premier-v1:0\"", 27, 15, "model-end-of-life", "Amazon Nova Premier reached its end of life on 2026-09-14" },
        { "aliases differing by case", "    \"gpt-4o-mini\": \"amazon.nova-lite-v1:0\"", "    \"gpt-4o-mini\": \"amazon.nova-lite-v1:0\"\n    \"GPT-4o\": \"amazon.nova-pro-v1:0\"", 29, 5, "duplicate-alias", "alias 'GPT-4o' differs from 'gpt-4o' only by case; clients would not know which they get" },
        { "an alias that is a model id", "\"gpt-4o-mini\": \"amazon.nova-lite-v1:0\"", "\"amazon.nova-micro-v1:0\": \"amazon.nova-lite-v1:0\"", 28, 5, "duplicate-alias", "alias 'amazon.nova-micro-v1:0' is itself a Bedrock model id but maps to 'amazon.nova-lite-v1:0'" },
        { "burst under rate", "burst_limit: 200", "burst_limit: 50", 38, 20, "throttling", "burst_limit 50 is below rate_limit 100: API Gateway could never reach the rate" },
        { "provisioned over reserved", "provisioned_concurrency: 5", "provisioned_concurrency: 30", 34, 30, "concurrency", "provisioned_concurrency 30 exceeds reserved_concurrency 20" },
        { "reserved concurrency zero", "reserved_concurrency: 20", "reserved_concurrency: 0", 33, 27, "concurrency", "reserved_concurrency 0 stops the function: every request would be throttled" },
        { "a key's limit of zero", "models: [\"gpt-4o\"]", "models: [\"gpt-4o\"]\n      requests_per_minute: 0", 44, 28, "schema", "auth.keys[0].requests_per_minute is 0; it must be at least 1" },
        { "a key name with a space", "name: \"ci\"", "name: \"c i\"", 41, 13, "schema", "auth.keys[0].name is \"c i\", which is not of the expected form" },
        { "a key for an unknown alias", "models: [\"gpt-4o\"]", "models: [\"gpt-5\"]", 43, 16, "auth", "key 'ci' allows 'gpt-5', which is neither an alias here nor a Nova model" },
        { "no key", "auth:\n  keys:\n    - name: \"ci\"\n      sha256: \"c4555a2cbf22a713903424961dfdcc0fd766dc9d5fe6ff786743052ca612525d\"\n      models: [\"gpt-4o\"]\n", "", 2, 1, "auth", "no API key: the proxy refuses to start without at least one" },
        { "container without its section", "type: \"serverless\"", "type: \"container\"", 7, 1, "schema", "deployment is missing 'container'" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reports_the_finding_where_it_is(string name, string find, string replace, int line, int column, string rule, string message)
    {
        Assert.Contains(find, Valid);
        var findings = Validator.Validate(File, Valid.Replace(find, replace, StringComparison.Ordinal)).Diagnostics;
        Assert.True(findings.Any(d => d.Code == rule && d.Message.StartsWith(message, StringComparison.Ordinal) && d.Position.Line == line && d.Position.Column == column),
            $"{name}: expected {line}:{column} [{rule}] {message}\nbut got:\n  {string.Join("\n  ", findings)}");
    }

    [Theory]
    [InlineData("timeout: 300", "timeout: 300", "streaming: true", "streaming: false", 32, "lambda-timeout")]
    [InlineData("timeout: 300", "timeout: 10", "streaming: true", "streaming: true", 32, "lambda-timeout")]
    public void Warns_of_timeouts_that_do_not_fit_API_Gateway(string find1, string replace1, string find2, string replace2, int line, string rule)
    {
        var findings = Validator.Validate(File, Valid.Replace(find1, replace1, StringComparison.Ordinal).Replace(find2, replace2, StringComparison.Ordinal)).Diagnostics;
        var warning = Assert.Single(findings);
        Assert.Equal((Severity.Warning, rule, line), (warning.Severity, warning.Code, warning.Position.Line));
    }

    [Fact]
    public void A_file_in_the_wrong_place_says_where_it_belongs()
    {
        var finding = Assert.Single(Validator.Validate("customers/acme/prod.yaml", Valid).Diagnostics);
        Assert.Equal(("file-name", 4, "customer.environment is 'staging' but the file is named 'prod'", "name the file staging.yaml"),
            (finding.Code, finding.Position.Line, finding.Message, finding.Hint));
    }

    [Fact]
    public void A_rule_inside_not_or_a_list_item_is_reported_once_with_its_own_value()
    {
        // A namespace passes its "not AWS/" rule; before, another error made that inner rule show as a finding too.
        var text = Valid.Replace("monitoring:\n", "monitoring:\n  custom_metrics:\n    namespace: \"Acme/Proxy\"\n", StringComparison.Ordinal)
            .Replace("name: \"ci\"", "name: \"CI\"", StringComparison.Ordinal);
        var finding = Assert.Single(Validator.Validate(File, text).Diagnostics);
        Assert.Equal("it must match ^[a-z0-9][a-z0-9._-]{0,63}$", finding.Hint);
    }

    [Fact]
    public void A_misspelt_key_gets_the_nearest_valid_one_as_its_fix()
    {
        var finding = Validator.Validate(File, Valid.Replace("memory_size:", "memory_sise:", StringComparison.Ordinal)).Diagnostics.Single();
        Assert.Equal("did you mean 'memory_size'?", finding.Hint);
    }

    [Fact]
    public void Two_files_claiming_one_environment_are_refused()
    {
        using var repo = Repo.Scratch(("customers/acme/staging.yaml", Valid), ("customers/acme/staging.yml", Valid));
        var results = Validator.ForRepository(repo.Repository.Root, Repo.Today).ValidateAll(Validator.Discover([repo.Path("customers")]));
        var duplicate = Assert.Single(results.SelectMany(r => r.Diagnostics));
        Assert.Equal(("customers/acme/staging.yml", "duplicate-environment", "customers/acme/staging.yaml already defines acme/staging"),
            (duplicate.File, duplicate.Code, duplicate.Message));
    }

    [Fact]
    public void Every_example_customer_is_valid_and_names_the_schema()
    {
        var results = Validator.ForRepository(Repo.Real.Root, Repo.Today).ValidateAll(Validator.Discover([Repo.Path("customers")]));
        Assert.True(results.Count >= 8);
        Assert.All(results, r => Assert.False(r.HasErrors, string.Join("\n", r.Diagnostics)));
        Assert.Equal(["container", "eks", "hybrid", "serverless"], results.Select(r => r.Config!.Deployment.Type.ToString().ToLowerInvariant()).Distinct().Order());
        Assert.All(results.GroupBy(r => r.Config!.Customer.Name), g => Assert.Equal(["prod", "staging"], g.Select(r => r.Config!.Customer.Environment).Order()));
    }
}

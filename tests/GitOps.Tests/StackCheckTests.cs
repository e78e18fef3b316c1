using BedrockNovaProxy.GitOps.CloudFormation;

namespace BedrockNovaProxy.GitOps.Tests;

/// <summary>The renderer's self-checks, each proven by a template that breaks it.</summary>
public class StackCheckTests
{
    private const string Sound = """
        AWSTemplateFormatVersion: "2010-09-09"
        Parameters:
          Name:
            Type: String
          Flag:
            Type: String
            Default: ""
        Conditions:
          On: !Not [!Equals [!Ref Flag, ""]]
        Resources:
          Role:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Statement:
                  - Effect: Allow
                    Principal: { Service: lambda.amazonaws.com }
                    Action: sts:AssumeRole
              Policies:
                - PolicyName: bedrock
                  PolicyDocument:
                    Statement:
                      - Effect: Allow
                        Action:
                          - bedrock:InvokeModel
                          - bedrock:InvokeModelWithResponseStream
                        Resource: !Sub "arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/amazon.nova-pro-v1:0"
          Fn:
            Type: AWS::Lambda::Function
            DependsOn: [Role]
            Properties:
              FunctionName: !Sub "${Name}-fn"
              Role: !GetAtt Role.Arn
              Description: !Sub "literal ${!NotAVariable} and ${Role.Arn}"
          Alias:
            Type: AWS::Lambda::Alias
            Condition: On
            Properties:
              FunctionName: { Ref: Fn }
              Name: prod
              FunctionVersion: !If [On, "1", !Ref AWS::NoValue]
        Outputs:
          Arn:
            Value: !GetAtt [Fn, Arn]
        """;

    [Fact]
    public void A_sound_template_passes() => Assert.Empty(StackChecks.Check(CfnTemplate.Parse(Sound, "t.yaml")));

    public static TheoryData<string, string, string, string> Breaks => new()
    {
        { "Ref to nothing", "Role: !GetAtt Role.Arn", "Role: !Ref Rolle", "Resources.Fn: Ref names 'Rolle', which is no parameter or resource of this template" },
        { "long-form Ref to nothing", "FunctionName: { Ref: Fn }", "FunctionName: { Ref: Function }", "Resources.Alias: Ref names 'Function', which is no parameter or resource of this template" },
        { "GetAtt of nothing", "Role: !GetAtt Role.Arn", "Role: !GetAtt LambdaExecutionRole.Arn", "Resources.Fn: Fn::GetAtt names 'LambdaExecutionRole', which is no resource of this template" },
        { "list GetAtt of nothing", "Value: !GetAtt [Fn, Arn]", "Value: !GetAtt [ProxyLambda, Arn]", "Outputs.Arn: Fn::GetAtt names 'ProxyLambda', which is no resource of this template" },
        { "Sub of nothing", "!Sub \"${Name}-fn\"", "!Sub \"${CustomerName}-fn\"", "Resources.Fn: Fn::Sub names 'CustomerName', which is no parameter or resource of this template" },
        { "Sub attribute of nothing", "and ${Role.Arn}", "and ${ExecutionRole.Arn}", "Resources.Fn: Fn::Sub names 'ExecutionRole', which is no resource of this template" },
        { "DependsOn nothing (the seed's bug)", "DependsOn: [Role]", "DependsOn: [ProxyMethod]", "Resources.Fn: DependsOn names 'ProxyMethod', which is no resource of this template" },
        { "undefined condition", "Condition: On", "Condition: Promoted", "Resources.Alias: condition 'Promoted' is not defined in Conditions" },
        { "undefined condition in If", "!If [On, ", "!If [Off, ", "Resources.Alias: condition 'Off' is not defined in Conditions" },
        { "unused condition", "    Condition: On\n    Properties:\n      FunctionName: { Ref: Fn }\n      Name: prod\n      FunctionVersion: !If [On, \"1\", !Ref AWS::NoValue]",
            "    Properties:\n      FunctionName: { Ref: Fn }\n      Name: prod\n      FunctionVersion: \"1\"", "Conditions.On: the condition is never used" },
        { "unused parameter", "!Sub \"${Name}-fn\"", "fixed-fn", "Parameters.Name: the parameter is never used" },
        { "wildcard Bedrock action", "- bedrock:InvokeModelWithResponseStream", "- bedrock:*", "Resources.Role: policy bedrock statement 0: wildcard action 'bedrock:*'" },
        { "wildcard action", "- bedrock:InvokeModelWithResponseStream", "- \"*\"", "Resources.Role: policy bedrock statement 0: wildcard action '*'" },
        { "Bedrock action pattern", "- bedrock:InvokeModelWithResponseStream", "- bedrock:Invoke*", "Resources.Role: policy bedrock statement 0: wildcard Bedrock action 'bedrock:Invoke*'" },
        { "Bedrock on every resource", "Resource: !Sub \"arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/amazon.nova-pro-v1:0\"", "Resource: \"*\"", "Resources.Role: policy bedrock statement 0: Bedrock allowed on wildcard resource '*'" },
        { "Bedrock on every model (the seed's policy)", "${AWS::Region}::foundation-model/amazon.nova-pro-v1:0", "*::foundation-model/amazon.nova-*", "Resources.Role: policy bedrock statement 0: Bedrock allowed on wildcard resource 'arn:${AWS::Partition}:bedrock:*::foundation-model/amazon.nova-*'" },
        { "NotAction", "                Action:\n                  - bedrock:InvokeModel", "                NotAction:\n                  - bedrock:InvokeModel", "Resources.Role: policy bedrock statement 0: an Allow with NotAction or NotResource grants everything not listed" },
    };

    [Theory]
    [MemberData(nameof(Breaks))]
    public void Finds_what_a_template_breaks(string name, string find, string replace, string problem)
    {
        Assert.Contains(find, Sound);
        var problems = StackChecks.Check(CfnTemplate.Parse(Sound.Replace(find, replace, StringComparison.Ordinal), "t.yaml"));
        Assert.True(problems.Contains(problem), $"{name}: expected\n  {problem}\nbut got\n  {string.Join("\n  ", problems)}");
    }

    [Theory]
    [InlineData("Role: !GetAtt Role.Arn", "Role: !Reff Role", "t.yaml:33:13: unknown tag !Reff")]
    [InlineData("    Type: AWS::Lambda::Alias\n", "    Type: AWS::Lambda::Alias\n   Oops: [\n", "t.yaml:")]
    [InlineData("  Fn:\n    Type: AWS::Lambda::Function\n", "  Fn:\n    Typo: AWS::Lambda::Function\n", "t.yaml:28:3: resource Fn needs a Type")]
    public void Refuses_what_is_not_a_template(string find, string replace, string message)
    {
        Assert.Contains(find, Sound);
        var error = Assert.Throws<CfnException>(() => CfnTemplate.Parse(Sound.Replace(find, replace, StringComparison.Ordinal), "t.yaml"));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }
}

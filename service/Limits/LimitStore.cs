using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace BedrockNovaProxy.Limits;

/// <summary>What a lease got: the units granted (0 when the window is spent) and the window's total in the store after it.</summary>
public readonly record struct LeaseGrant(long Granted, long Used);

/// <summary>One row of usage: a key's use of one model alias on one UTC day, added to what the store holds.</summary>
public sealed record UsageRow(string Day, string Key, string Alias, long Requests, long InputTokens, long OutputTokens, long CachedTokens, long CostMicroUsd);

/// <summary>The shared counters of one customer environment. Every method is one or a few conditional DynamoDB updates.</summary>
public interface ILimitStore
{
    /// <summary>Takes up to <paramref name="want"/> units of <paramref name="counter"/> without taking its total past
    /// <paramref name="limit"/>: all of them when they fit, else what is left.</summary>
    Task<LeaseGrant> LeaseAsync(string counter, long want, long limit, DateTimeOffset expires, CancellationToken cancellationToken);

    /// <summary>Adds units used beyond a lease (the tokens of an answer are known only after it), unconditionally.</summary>
    Task AddAsync(string counter, long amount, DateTimeOffset expires, CancellationToken cancellationToken);

    Task AddUsageAsync(UsageRow row, DateTimeOffset expires, CancellationToken cancellationToken);
}

/// <summary>The store on DynamoDB's low-level client (AOT-clean). One item per counter and window: pk, used, expires
/// (the table's TTL attribute, so spent windows disappear). Usage rows are items too: pk usage#day#key#alias.</summary>
public sealed class DynamoLimitStore(IAmazonDynamoDB client, string table) : ILimitStore
{
    public async Task<LeaseGrant> LeaseAsync(string counter, long want, long limit, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        if (want <= limit)
        {
            try
            {
                var whole = await client.UpdateItemAsync(new UpdateItemRequest
                {
                    TableName = table,
                    Key = Key(counter),
                    UpdateExpression = "ADD used :n SET expires = if_not_exists(expires, :e)",
                    ConditionExpression = "attribute_not_exists(used) OR used <= :max",
                    ExpressionAttributeValues = new() { [":n"] = N(want), [":max"] = N(limit - want), [":e"] = N(expires.ToUnixTimeSeconds()) },
                    ReturnValues = ReturnValue.UPDATED_NEW,
                }, cancellationToken).ConfigureAwait(false);
                return new(want, Long(whole.Attributes["used"]));
            }
            catch (ConditionalCheckFailedException)
            {
                // Less than a block is left: take exactly what is, below.
            }
        }

        // Each failed attempt means another instance took some, so this ends by the time the window is spent.
        while (true)
        {
            var item = await client.GetItemAsync(new GetItemRequest { TableName = table, Key = Key(counter), ConsistentRead = true }, cancellationToken).ConfigureAwait(false);
            var seen = item.Item is { } found && found.TryGetValue("used", out var used) ? Long(used) : 0;
            var left = Math.Min(want, limit - seen);
            if (left <= 0)
            {
                return new(0, seen);
            }

            try
            {
                await client.UpdateItemAsync(new UpdateItemRequest
                {
                    TableName = table,
                    Key = Key(counter),
                    UpdateExpression = "ADD used :n SET expires = if_not_exists(expires, :e)",
                    ConditionExpression = seen == 0 ? "attribute_not_exists(used) OR used = :seen" : "used = :seen",
                    ExpressionAttributeValues = new() { [":n"] = N(left), [":seen"] = N(seen), [":e"] = N(expires.ToUnixTimeSeconds()) },
                }, cancellationToken).ConfigureAwait(false);
                return new(left, seen + left);
            }
            catch (ConditionalCheckFailedException)
            {
            }
        }
    }

    public Task AddAsync(string counter, long amount, DateTimeOffset expires, CancellationToken cancellationToken) =>
        client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = Key(counter),
            UpdateExpression = "ADD used :n SET expires = if_not_exists(expires, :e)",
            ExpressionAttributeValues = new() { [":n"] = N(amount), [":e"] = N(expires.ToUnixTimeSeconds()) },
        }, cancellationToken);

    public Task AddUsageAsync(UsageRow row, DateTimeOffset expires, CancellationToken cancellationToken) =>
        client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = Key(UsageItems.PartitionKey(row.Day, row.Key, row.Alias)),
            UpdateExpression = $"ADD {UsageItems.Requests} :r, {UsageItems.InputTokens} :i, {UsageItems.OutputTokens} :o, {UsageItems.CachedTokens} :c, " +
                $"{UsageItems.CostMicroUsd} :u SET #day = :day, {UsageItems.Key} = :key, #alias = :alias, expires = if_not_exists(expires, :e)",
            ExpressionAttributeNames = new() { ["#day"] = UsageItems.Day, ["#alias"] = UsageItems.Alias },
            ExpressionAttributeValues = new()
            {
                [":r"] = N(row.Requests), [":i"] = N(row.InputTokens), [":o"] = N(row.OutputTokens), [":c"] = N(row.CachedTokens),
                [":u"] = N(row.CostMicroUsd), [":day"] = new() { S = row.Day }, [":key"] = new() { S = row.Key },
                [":alias"] = new() { S = row.Alias }, [":e"] = N(expires.ToUnixTimeSeconds()),
            },
        }, cancellationToken);

    /// <summary>Every usage row of the table (for the tests; `gitops usage` reads the same items), read with paged scans.</summary>
    public static async Task<List<UsageRow>> ReadUsageAsync(IAmazonDynamoDB client, string table, CancellationToken cancellationToken)
    {
        var rows = new List<UsageRow>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await client.ScanAsync(new ScanRequest
            {
                TableName = table,
                FilterExpression = "begins_with(pk, :p)",
                ExpressionAttributeValues = new() { [":p"] = new() { S = UsageItems.Prefix } },
                ExclusiveStartKey = start,
            }, cancellationToken).ConfigureAwait(false);
            rows.AddRange(page.Items.Select(i => new UsageRow(i[UsageItems.Day].S, i[UsageItems.Key].S, i[UsageItems.Alias].S, Long(i[UsageItems.Requests]),
                Long(i[UsageItems.InputTokens]), Long(i[UsageItems.OutputTokens]), Long(i[UsageItems.CachedTokens]), Long(i[UsageItems.CostMicroUsd]))));
            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);
        return rows;
    }

    /// <summary>The table as the templates render it (for the local dynalite and the tests): pk, on demand, TTL on expires.</summary>
    public static async Task CreateTableAsync(IAmazonDynamoDB client, string table, CancellationToken cancellationToken)
    {
        try
        {
            await client.CreateTableAsync(new CreateTableRequest
            {
                TableName = table,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                AttributeDefinitions = [new("pk", ScalarAttributeType.S)],
                KeySchema = [new("pk", KeyType.HASH)],
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ResourceInUseException)
        {
            return;
        }

        while ((await client.DescribeTableAsync(table, cancellationToken).ConfigureAwait(false)).Table.TableStatus != TableStatus.ACTIVE)
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Dictionary<string, AttributeValue> Key(string pk) => new() { ["pk"] = new() { S = pk } };

    private static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    private static long Long(AttributeValue value) => long.Parse(value.N, CultureInfo.InvariantCulture);
}

// A small Node function that AWS's own Runtime Interface Client (aws-lambda-ric) runs on the local Lambda, so that
// AWS's client judges the Runtime API: LambdaEmulator.Tests (RicConformanceTests) drives it through the front.
// The path picks the behaviour: /echo answers the event it got; /fail throws; /die exits mid-invocation; /slow
// answers after the deadline. The streamed handler writes an HTTP prelude and two chunks (/slow: one, then the
// deadline passes).

export const buffered = async (event, context) => {
  const path = event.rawPath ?? event.path;
  if (path.endsWith("/fail")) {
    throw new Error("the function failed");
  }

  if (path.endsWith("/die")) {
    process.exit(3);
  }

  if (path.endsWith("/slow")) {
    await new Promise((resolve) => setTimeout(resolve, context.getRemainingTimeInMillis() + 2000));
  }

  return {
    statusCode: 200,
    headers: { "content-type": "application/json", "x-function": context.functionName },
    body: JSON.stringify({ event, requestId: context.awsRequestId, arn: context.invokedFunctionArn, remaining: context.getRemainingTimeInMillis() }),
  };
};

export const streamed = awslambda.streamifyResponse(async (event, responseStream, context) => {
  const path = event.rawPath ?? event.path;
  const http = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: 201,
    headers: { "content-type": "text/plain", "x-request-id": context.awsRequestId },
  });
  http.write("first chunk\n");
  if (path.endsWith("/slow")) {
    await new Promise((resolve) => setTimeout(resolve, context.getRemainingTimeInMillis() + 2000));
  }

  await new Promise((resolve) => setTimeout(resolve, 10));
  http.write(`second chunk for ${event.rawPath ?? event.path}\n`);
  http.end();
});

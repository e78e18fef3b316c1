await BedrockNovaProxy.ProxyApp.Build(args).RunAsync();

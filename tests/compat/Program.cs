// Runs Altinn's own legacy Maskinporten client (Altinn.ApiClients.Maskinporten) on a stored
// EncodedJwk, the way an app configured with `MaskinportenSettings` does, with no network: the
// HttpClient's handler captures the token request and answers it.
//
//   dotnet Compat.dll --environment test|prod --client-id <id> --scope <scope>  < encoded-jwk
//
// The secret comes on stdin only (never on the command line). Prints one JSON object: the
// captured request (method, url, content type, form fields with the client assertion).
// On failure: one line on stderr, exit 1 (2 for bad usage).
using System.Net;
using System.Text;
using System.Text.Json;
using Altinn.ApiClients.Maskinporten.Config;
using Altinn.ApiClients.Maskinporten.Services;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;

const string ServedAccessToken = "compat-harness-access-token";

Dictionary<string, string> options;
try
{
    options = ParseArguments(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"compat: {e.Message}");
    return 2;
}

// Exactly what the vault holds: no trimming, so stray whitespace is the client's problem too.
string encodedJwk = Console.In.ReadToEnd();

var handler = new CapturingHandler(ServedAccessToken, options["scope"]);
var service = new MaskinportenService(
    new HttpClient(handler),
    NullLogger<MaskinportenService>.Instance,
    new MemoryTokenCacheProvider(new MemoryCache(new MemoryCacheOptions())));

// The app's path: appsettings section MaskinportenSettings, EncodedJwk from Key Vault.
var definition = new SettingsJwkClientDefinition
{
    ClientSettings = new MaskinportenSettings
    {
        Environment = options["environment"],
        ClientId = options["client-id"],
        Scope = options["scope"],
        EncodedJwk = encodedJwk,
    },
};

try
{
    var token = await service.GetToken(definition, disableCaching: true);
    if (handler.Requests.Count != 1)
        throw new InvalidOperationException($"expected one request to the token endpoint, the client sent {handler.Requests.Count}");
    if (token?.AccessToken != ServedAccessToken)
        throw new InvalidOperationException("the client did not return the token endpoint's answer");
    Console.WriteLine(JsonSerializer.Serialize(handler.Requests[0], new JsonSerializerOptions(JsonSerializerDefaults.Web)));
    return 0;
}
catch (Exception e)
{
    // One line, never the secret (IdentityModel hides key material in its messages; redact anyway).
    string message = e.Message.Split('\n')[0].Trim();
    if (encodedJwk.Length > 0) message = message.Replace(encodedJwk, "[secret]");
    Console.Error.WriteLine($"compat: the Altinn client failed: {e.GetType().Name}: {message}");
    return 1;
}

static Dictionary<string, string> ParseArguments(string[] args)
{
    string[] known = ["environment", "client-id", "scope"];
    var result = new Dictionary<string, string>();
    for (int i = 0; i < args.Length; i += 2)
    {
        string name = args[i].StartsWith("--") ? args[i][2..] : "";
        if (!known.Contains(name)) throw new ArgumentException($"unknown argument {args[i]}; usage: --environment <test|prod> --client-id <id> --scope <scope> < encoded-jwk");
        if (i + 1 >= args.Length) throw new ArgumentException($"--{name} needs a value");
        result[name] = args[i + 1];
    }
    foreach (string name in known)
    {
        if (!result.ContainsKey(name)) throw new ArgumentException($"--{name} is required");
    }
    return result;
}

/// <summary>The token request as the client sent it.</summary>
sealed record CapturedRequest(string Method, string Url, string? ContentType, Dictionary<string, string> Form);

/// <summary>Records every request and answers like Maskinporten's token endpoint, offline.</summary>
sealed class CapturingHandler(string accessToken, string scope) : HttpMessageHandler
{
    public List<CapturedRequest> Requests { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add(new CapturedRequest(
            request.Method.Method,
            request.RequestUri?.AbsoluteUri ?? "",
            request.Content?.Headers.ContentType?.MediaType,
            ParseForm(body)));
        string answer = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["access_token"] = accessToken,
            ["token_type"] = "Bearer",
            ["expires_in"] = 119,
            ["scope"] = scope,
        });
        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(answer, Encoding.UTF8, "application/json"),
        };
    }

    private static Dictionary<string, string> ParseForm(string body)
    {
        var form = new Dictionary<string, string>();
        foreach (string pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = pair.Split('=', 2);
            string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
            form[Decode(parts[0])] = parts.Length > 1 ? Decode(parts[1]) : "";
        }
        return form;
    }
}

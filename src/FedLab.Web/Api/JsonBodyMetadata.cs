namespace FedLab.Web.Api;

/// <summary>
/// Tells the OpenAPI document what JSON an endpoint reads itself (see <see cref="JsonBodyReader"/>). Unlike
/// Accepts(...), it does not make routing answer 415 with an empty body: the endpoint answers with a message.
/// </summary>
public sealed record JsonBodyMetadata(Type BodyType);

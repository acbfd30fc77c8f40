using System.Text.Json;
using System.Text.Json.Serialization;
using FedLab.Engine.Runs;

namespace FedLab.Data;

/// <summary>Writes <see cref="PayloadBytes"/> as <c>{ "parameters": 301144, "labels": 64 }</c> (kinds in display order) and reads it back.</summary>
internal sealed class PayloadBytesJsonConverter : JsonConverter<PayloadBytes>
{
    public override PayloadBytes Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("payload bytes are an object of payload kind name to bytes");
        }
        var bytes = new List<KeyValuePair<PayloadKind, long>>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var kind = new PayloadKind(reader.GetString() ?? throw new JsonException("a payload kind is a non-empty string"));
            reader.Read();
            bytes.Add(new(kind, reader.GetInt64()));
        }
        return PayloadBytes.From(bytes);
    }

    public override void Write(Utf8JsonWriter writer, PayloadBytes value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var kind in value.Kinds)
        {
            writer.WriteNumber(kind.Name, value[kind]);
        }
        writer.WriteEndObject();
    }
}

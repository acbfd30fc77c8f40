using System.Text.Json;
using System.Text.Json.Serialization;
using FedLab.Engine.Runs;

namespace FedLab.Data;

/// <summary>
/// A run status as its <see cref="RunStatusNames"/> name ("finished"). The rows the API and the exports serialise name
/// it on their Status property, so every JSON output says the same word whatever the serializer options.
/// </summary>
internal sealed class RunStatusJsonConverter : JsonConverter<RunStatus>
{
    public override RunStatus Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        RunStatusNames.TryParse(reader.GetString(), out var status) ? status : throw new JsonException($"unknown run status; use one of {string.Join(", ", RunStatusNames.All)}");

    public override void Write(Utf8JsonWriter writer, RunStatus value, JsonSerializerOptions options) => writer.WriteStringValue(RunStatusNames.Name(value));
}

using System.ComponentModel;
using System.Text.Json.Serialization.Metadata;
using FedLab.Engine.Runs;

namespace FedLab.Web.Specs;

/// <summary>
/// The form fields of a framework's options section, read from its type through the spec's JSON contract:
/// numbers, switches, enum choices (by their JSON names), text. So a new framework's options (KD's
/// temperature, split learning's cut layer, ...) get a form without dashboard code.
/// </summary>
public static class OptionFields
{
    public static IReadOnlyList<OptionField> For(FrameworkInfo framework)
    {
        if (framework.SectionName is not { } section || framework.OptionsType is not { } type)
        {
            return [];
        }
        var info = RunSpecJson.Options.GetTypeInfo(type);
        var fields = new List<OptionField>();
        foreach (var p in info.Properties)
        {
            if (Describe(section, p) is OptionField field)
            {
                fields.Add(field);
            }
        }
        return fields;
    }

    private static OptionField? Describe(string section, JsonPropertyInfo p)
    {
        var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
        bool optional = Nullable.GetUnderlyingType(p.PropertyType) is not null || (p.PropertyType == typeof(string) && p.IsSetNullable);
        var help = (p.AttributeProvider?.GetCustomAttributes(typeof(DescriptionAttribute), true).FirstOrDefault() as DescriptionAttribute)?.Description;
        var path = $"{section}.{p.Name}";
        var label = Humanize(p.Name);
        OptionFieldType? kind = type switch
        {
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => OptionFieldType.Integer,
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => OptionFieldType.Number,
            _ when type == typeof(bool) => OptionFieldType.Switch,
            _ when type.IsEnum => OptionFieldType.Choice,
            _ when type == typeof(string) => OptionFieldType.Text,
            _ => null,
        };
        if (kind is null)
        {
            return null; // lists and nested objects: edit them through the API's JSON
        }
        var choices = type.IsEnum
            ? Enum.GetValues(type).Cast<object>().Select(v => System.Text.Json.JsonSerializer.Serialize(v, type, RunSpecJson.Options).Trim('"')).ToList()
            : [];
        return new OptionField(path, label, kind.Value, optional, choices, help);
    }

    /// <summary>"publicSetSize" -> "public set size"; "fp16Activations" -> "fp16 activations".</summary>
    public static string Humanize(string camel)
    {
        var words = new System.Text.StringBuilder();
        for (int i = 0; i < camel.Length; i++)
        {
            char c = camel[i];
            if (char.IsUpper(c) && i > 0 && !char.IsUpper(camel[i - 1]))
            {
                words.Append(' ');
            }
            words.Append(char.ToLowerInvariant(c));
        }
        return words.ToString();
    }
}

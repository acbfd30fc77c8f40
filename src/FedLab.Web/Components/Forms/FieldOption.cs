namespace FedLab.Web.Components.Forms;

/// <summary>One choice of a select field: the JSON value and what the user reads.</summary>
public sealed record FieldOption(string Value, string Label);

namespace FedLab.Web.Components.Forms;

/// <summary>How a spec field is edited.</summary>
public enum FieldKind
{
    Text,
    Integer,
    Number,
    Select,
    Switch,
    MultiSelect,
}

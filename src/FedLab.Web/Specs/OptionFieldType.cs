namespace FedLab.Web.Specs;

public enum OptionFieldType
{
    Text,
    Integer,
    Number,
    Choice,
    Switch,
}

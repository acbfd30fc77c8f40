namespace FedLab.Web.Tests.Infrastructure;

/// <summary>
/// One generated mutation of an example spec, as plain integers (so CsCheck can shrink it): which example, which
/// kind of mutation, where in the document and with what value. <see cref="SpecMutator"/> turns it into bytes.
/// </summary>
public sealed record SpecFuzzCase(int Example, int Kind, int Where, int Value)
{
    public override string ToString() => $"{SpecMutator.Describe(this)} [example {Example}, kind {Kind}, where {Where}, value {Value}]";
}

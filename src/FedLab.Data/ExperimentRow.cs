namespace FedLab.Data;

public sealed record ExperimentRow(Guid Id, string Name, string? Description, DateTimeOffset CreatedAt, int RunCount);

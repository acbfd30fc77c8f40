using FedLab.Data;
using FedLab.Engine.Runs;

namespace FedLab.Web.Api;

/// <summary>GET /api/runs query string to a <see cref="RunListQuery"/>; every bad parameter is reported.</summary>
public static class RunListQueryParser
{
    public const int MaxPage = int.MaxValue / RunListQuery.MaxPageSize;

    /// <summary>An optional true/false query parameter; a bad value is a 400 that names the parameter.</summary>
    public static (bool? Value, ApiError? Error) Bool(IQueryCollection q, string name)
    {
        if (!q.TryGetValue(name, out var raw) || string.IsNullOrWhiteSpace(raw))
        {
            return (null, null);
        }
        return bool.TryParse(raw.ToString().Trim(), out var value)
            ? (value, null)
            : (null, new ApiError(name, $"must be true or false, got '{raw}'"));
    }

    public static (RunListQuery? Query, IReadOnlyList<ApiError> Errors) Parse(IQueryCollection q)
    {
        var errors = new List<ApiError>();
        var query = new RunListQuery();
        int? Int(string name, int min, int max)
        {
            if (!q.TryGetValue(name, out var raw))
            {
                return null;
            }
            if (!int.TryParse(raw, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) || v < min || v > max)
            {
                errors.Add(new ApiError(name, $"must be a whole number between {min} and {max}, got '{raw}'"));
                return null;
            }
            return v;
        }
        string? Text(string name) => q.TryGetValue(name, out var raw) && !string.IsNullOrWhiteSpace(raw) ? raw.ToString().Trim() : null;

        query = query with
        {
            // Pages beyond this would skip more than int.MaxValue rows at the largest page size.
            Page = Int("page", 1, MaxPage) ?? query.Page,
            PageSize = Int("pageSize", 1, RunListQuery.MaxPageSize) ?? query.PageSize,
            Framework = Text("framework"),
            Model = Text("model"),
            Dataset = Text("dataset"),
            Text = Text("text"),
        };
        if (Text("status") is string status)
        {
            if (RunStatusNames.TryParse(status, out var s))
            {
                query = query with { Status = s };
            }
            else
            {
                errors.Add(new ApiError("status", $"unknown status '{status}'; use one of {string.Join(", ", RunStatusNames.All)}"));
            }
        }
        if (Text("experiment") is string experiment)
        {
            if (Guid.TryParse(experiment, out var id))
            {
                query = query with { ExperimentId = id };
            }
            else
            {
                errors.Add(new ApiError("experiment", $"must be an experiment id (a GUID), got '{experiment}'"));
            }
        }
        if (Text("sort") is string sort)
        {
            if (Enum.TryParse<RunSortColumn>(sort, ignoreCase: true, out var column) && Enum.IsDefined(column) && !int.TryParse(sort, out _))
            {
                query = query with { SortBy = column };
            }
            else
            {
                errors.Add(new ApiError("sort", $"unknown column '{sort}'; use one of {string.Join(", ", Enum.GetNames<RunSortColumn>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]))}"));
            }
        }
        if (Text("desc") is string desc)
        {
            if (bool.TryParse(desc, out var d))
            {
                query = query with { Descending = d };
            }
            else
            {
                errors.Add(new ApiError("desc", $"must be true or false, got '{desc}'"));
            }
        }
        return errors.Count == 0 ? (query, errors) : (null, errors);
    }

    /// <summary>"ids=a,b&amp;ids=c" to distinct GUIDs; every bad id is reported.</summary>
    public static (IReadOnlyList<Guid> Ids, IReadOnlyList<ApiError> Errors) ParseIds(IQueryCollection q, int max)
    {
        var errors = new List<ApiError>();
        var ids = new List<Guid>();
        foreach (var part in q["ids"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (Guid.TryParse(part, out var id))
            {
                if (!ids.Contains(id))
                {
                    ids.Add(id);
                }
            }
            else
            {
                errors.Add(new ApiError("ids", $"'{part}' is not a run id (a GUID)"));
            }
        }
        if (ids.Count == 0 && errors.Count == 0)
        {
            errors.Add(new ApiError("ids", "name at least one run: ids=<id>,<id>"));
        }
        if (ids.Count > max)
        {
            errors.Add(new ApiError("ids", $"at most {max} runs at once, got {ids.Count}"));
        }
        return (ids, errors);
    }
}

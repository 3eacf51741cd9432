using CstPortal.Common;

namespace CstPortal.Tests.Features.Cluster;

/// <summary>The PostgreSQL migration takes Quartz's job store DDL from the Quartz package itself.</summary>
public sealed class QuartzSchemaTests
{
    [Fact]
    public void The_quartz_postgres_ddl_is_read_from_the_package_with_the_table_prefix_filled_in()
    {
        var statements = QuartzSchema.PostgresStatements();

        Assert.All(statements, s => Assert.DoesNotContain("{0}", s));
        Assert.All(statements, s => Assert.DoesNotContain("--;;", s));
        Assert.Contains(statements, s => s.Contains("CREATE TABLE IF NOT EXISTS qrtz_job_details", StringComparison.OrdinalIgnoreCase));
        // The tables a clustered store needs, dropped in reverse order by the migration's Down.
        var tables = QuartzSchema.PostgresTables();
        Assert.Subset(tables.ToHashSet(), new HashSet<string> { "qrtz_job_details", "qrtz_triggers", "qrtz_simple_triggers", "qrtz_fired_triggers", "qrtz_scheduler_state", "qrtz_locks" });
        Assert.Equal("qrtz_job_details", tables[^1]);
    }
}

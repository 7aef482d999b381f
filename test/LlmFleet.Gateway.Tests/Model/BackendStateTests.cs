using LlmFleet.Gateway.Model;

namespace LlmFleet.Gateway.Tests.Model;

public sealed class BackendStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RecordFailure_ConsecutiveUpToThreshold_Ejects()
    {
        var state = new BackendState(new Uri("http://127.0.0.1:1"));
        Assert.False(state.RecordFailure(3, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60), Now));
        Assert.False(state.RecordFailure(3, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60), Now));
        Assert.True(state.IsAvailable);
        Assert.True(state.RecordFailure(3, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60), Now));
        Assert.False(state.IsAvailable);
        Assert.Equal((Now + TimeSpan.FromSeconds(2)).UtcTicks, state.EjectedUntilTicks);
    }

    [Fact]
    public void RecordSuccess_BetweenFailures_ResetsTheCount()
    {
        var state = new BackendState(new Uri("http://127.0.0.1:1"));
        state.RecordFailure(2, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60), Now);
        state.RecordSuccess();
        Assert.False(state.RecordFailure(2, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60), Now));
        Assert.True(state.IsAvailable);
    }

    [Fact]
    public void Reeject_FailedHalfOpenProbes_DoubleTheEjectionUpToTheCap()
    {
        var state = new BackendState(new Uri("http://127.0.0.1:1"));
        state.RecordFailure(1, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), Now);
        state.Reeject(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), Now);
        Assert.Equal((Now + TimeSpan.FromSeconds(4)).UtcTicks, state.EjectedUntilTicks);
        state.Reeject(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), Now);
        Assert.Equal((Now + TimeSpan.FromSeconds(8)).UtcTicks, state.EjectedUntilTicks);
        state.Reeject(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), Now);
        Assert.Equal((Now + TimeSpan.FromSeconds(10)).UtcTicks, state.EjectedUntilTicks);
        state.Readmit();
        Assert.True(state.IsAvailable);
    }
}

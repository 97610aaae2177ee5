using Dco.Core.Serving.Privacy;

namespace Dco.Core.Tests.Serving.Privacy;

public sealed class UsPrivacyStringTests
{
    [Theory]
    [InlineData("1YYN", true)]
    [InlineData("1yyn", true)]
    [InlineData("1YNN", false)]
    [InlineData("1NNY", false)]
    [InlineData("1---", false)]
    public void The_third_character_says_whether_the_viewer_opted_out_of_sale(string value, bool optedOut)
    {
        Assert.Equal(optedOut, UsPrivacyString.Decode(value).Value!.HasOptedOutOfSale);
    }

    [Fact]
    public void Dashes_mean_the_law_does_not_apply()
    {
        Assert.True(UsPrivacyString.Decode("1---").Value!.NotApplicable);
    }

    [Theory]
    [InlineData("1YN", "4 characters")]
    [InlineData("2YNN", "version '2'")]
    [InlineData("1YXN", "character 3")]
    [InlineData(" ", "empty")]
    public void Malformed_values_name_what_is_wrong(string value, string expected)
    {
        Assert.Contains(expected, UsPrivacyString.Decode(value).Error, StringComparison.Ordinal);
    }
}

namespace Dco.Core.Decisioning.Engine;

internal static class LinearAlgebra
{
    /// <summary>Inverse of a symmetric positive-definite d×d matrix by Cholesky factorisation (row-major; <paramref name="matrix"/> is overwritten).</summary>
    public static void InvertSymmetricPositiveDefinite(double[] matrix, double[] inverse, int d)
    {
        // L (lower) in place of matrix.
        for (var j = 0; j < d; j++)
        {
            var sum = matrix[(j * d) + j];
            for (var k = 0; k < j; k++)
            {
                sum -= matrix[(j * d) + k] * matrix[(j * d) + k];
            }

            if (sum <= 0)
            {
                throw new InvalidOperationException("Matrix is not positive definite (ridge must be > 0).");
            }

            var diagonal = Math.Sqrt(sum);
            matrix[(j * d) + j] = diagonal;
            for (var i = j + 1; i < d; i++)
            {
                var s = matrix[(i * d) + j];
                for (var k = 0; k < j; k++)
                {
                    s -= matrix[(i * d) + k] * matrix[(j * d) + k];
                }

                matrix[(i * d) + j] = s / diagonal;
            }
        }

        // Solve L Lᵀ X = I column by column.
        var column = new double[d];
        for (var c = 0; c < d; c++)
        {
            for (var i = 0; i < d; i++)
            {
                var s = i == c ? 1.0 : 0.0;
                for (var k = 0; k < i; k++)
                {
                    s -= matrix[(i * d) + k] * column[k];
                }

                column[i] = s / matrix[(i * d) + i];
            }

            for (var i = d - 1; i >= 0; i--)
            {
                var s = column[i];
                for (var k = i + 1; k < d; k++)
                {
                    s -= matrix[(k * d) + i] * column[k];
                }

                column[i] = s / matrix[(i * d) + i];
            }

            for (var i = 0; i < d; i++)
            {
                inverse[(i * d) + c] = column[i];
            }
        }
    }
}

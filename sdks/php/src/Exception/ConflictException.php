<?php

declare(strict_types=1);

namespace TempMail\Exception;

/** 409: conflict (domain claimed elsewhere or not verified, too many webhooks, ...). */
class ConflictException extends TempMailException
{
}
